import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { appUrl } from "../services/http";
import { jobKeys } from "../services/jobs";
import { kindKeys } from "../services/kinds";
import { queueKeys } from "../services/queues";
import { scheduleKeys } from "../services/schedules";
import {
  nextRates,
  statsKeys,
  toStats,
  type RatePoint,
  type Stats,
  type StatsWire,
} from "../services/stats";
import { workerKeys } from "../services/workers";

export type StreamStatus = "connecting" | "live" | "reconnecting" | "paused";

/** Lists refetch at most this often while events keep changing the counts. */
const INVALIDATE_EVERY_MS = 3000;
const MAX_RETRY_MS = 10_000;

/**
 * Holds the one EventSource to /jobstats while `live` is on, writing every stats event into the
 * query cache. Closing it (live off) stops all background traffic: nothing else polls.
 */
export function useLiveStream(live: boolean): StreamStatus {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<StreamStatus>(live ? "connecting" : "paused");
  const opened = useRef(false);

  useEffect(() => {
    if (!live) {
      setStatus("paused");
      return;
    }
    setStatus("connecting");
    // After a pause the page may be behind; the very first stream starts with fresh data.
    const stream = new StatsStream(queryClient, setStatus, opened.current);
    opened.current = true;
    stream.open();
    return () => stream.close();
  }, [live, queryClient]);

  return status;
}

class StatsStream {
  private source: EventSource | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private invalidateTimer: ReturnType<typeof setTimeout> | undefined;
  private lastInvalidated = 0;
  private failures = 0;
  private closed = false;

  /** `catchUp`: refetch what the page shows once the first event arrives. */
  constructor(
    private readonly queryClient: QueryClient,
    private readonly setStatus: (status: StreamStatus) => void,
    private catchUp: boolean,
  ) {}

  open(): void {
    const source = new EventSource(appUrl("jobstats"));
    this.source = source;
    source.addEventListener("stats", (event) => this.receive(event as MessageEvent<string>));
    source.addEventListener("error", () => this.lost(source));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.invalidateTimer);
    this.source?.close();
  }

  private receive(event: MessageEvent<string>): void {
    let stats: Stats;
    try {
      stats = toStats(JSON.parse(event.data) as StatsWire);
    } catch {
      return;
    }
    this.failures = 0;
    this.setStatus("live");
    const previous = this.queryClient.getQueryData<Stats>(statsKeys.current);
    this.queryClient.setQueryData<RatePoint[]>(statsKeys.rates, (points = []) =>
      nextRates(points, previous, stats),
    );
    this.queryClient.setQueryData(statsKeys.current, stats);

    if (this.catchUp) {
      this.catchUp = false;
      void this.queryClient.invalidateQueries({
        predicate: (q) => q.queryKey !== statsKeys.current,
      });
    } else if (!previous || changed(previous, stats)) {
      this.scheduleInvalidate();
    }
  }

  private lost(source: EventSource): void {
    if (this.closed) return;
    // Anything may have changed while the stream was down.
    this.catchUp = true;
    this.setStatus("reconnecting");
    // The browser retries by itself unless the answer was an error status; then retry here.
    if (source.readyState !== EventSource.CLOSED) return;
    this.failures += 1;
    const delay = Math.min(MAX_RETRY_MS, 500 * 2 ** this.failures);
    this.retryTimer = setTimeout(() => {
      if (!this.closed) this.open();
    }, delay);
  }

  private scheduleInvalidate(): void {
    if (this.invalidateTimer !== undefined) return;
    const wait = Math.max(0, this.lastInvalidated + INVALIDATE_EVERY_MS - Date.now());
    this.invalidateTimer = setTimeout(() => {
      this.invalidateTimer = undefined;
      this.lastInvalidated = Date.now();
      // Only queries a page shows refetch; the rest are marked stale for their next visit.
      const keys = [jobKeys.all, queueKeys.all, workerKeys.all, scheduleKeys.all, kindKeys.all];
      for (const queryKey of keys) void this.queryClient.invalidateQueries({ queryKey });
    }, wait);
  }
}

function changed(a: Stats, b: Stats): boolean {
  if (a.processed !== b.processed || a.failed !== b.failed) return true;
  if (a.busySlots !== b.busySlots || a.workers !== b.workers) return true;
  return Object.keys(a.counts).some((k) => a.counts[k as never] !== b.counts[k as never]);
}
