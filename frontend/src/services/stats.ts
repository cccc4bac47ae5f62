import { queryOptions } from "@tanstack/react-query";
import { request, toDate } from "./http";
import { toCounts, type StateCounts } from "./states";

export interface StatsWire {
  now: string;
  counts: Record<string, number>;
  queues: Record<string, Record<string, number>>;
  processed: number;
  failed: number;
  history: { start: string; step_seconds: number; processed: number[]; failed: number[] };
  busy_slots: number;
  total_slots: number;
  workers: number;
}

export interface History {
  /** Start of the first bucket, in seconds since the epoch. */
  start: number;
  step: number;
  processed: number[];
  failed: number[];
}

export interface Stats {
  now: Date;
  counts: StateCounts;
  queues: Record<string, StateCounts>;
  processed: number;
  failed: number;
  history: History;
  busySlots: number;
  totalSlots: number;
  workers: number;
}

/** One point of the live graph: jobs per second between two stats events. */
export interface RatePoint {
  t: number;
  processed: number;
  failed: number;
}

export function toStats(wire: StatsWire): Stats {
  const queues: Record<string, StateCounts> = {};
  for (const [name, counts] of Object.entries(wire.queues ?? {})) queues[name] = toCounts(counts);
  const history = wire.history;
  return {
    now: toDate(wire.now) ?? new Date(),
    counts: toCounts(wire.counts),
    queues,
    processed: wire.processed,
    failed: wire.failed,
    history: {
      start: (toDate(history?.start)?.getTime() ?? Date.now()) / 1000,
      step: history?.step_seconds ?? 60,
      processed: history?.processed ?? [],
      failed: history?.failed ?? [],
    },
    busySlots: wire.busy_slots,
    totalSlots: wire.total_slots,
    workers: wire.workers,
  };
}

export const statsKeys = {
  current: ["stats"] as const,
  /** Rates derived from consecutive stats events; only the live stream writes it. */
  rates: ["stats-rates"] as const,
};

export async function fetchStats(signal?: AbortSignal): Promise<Stats> {
  return toStats(await request<StatsWire>("GET", "api/stats", { signal }));
}

export const statsQuery = () =>
  queryOptions({
    queryKey: statsKeys.current,
    queryFn: ({ signal }) => fetchStats(signal),
    // The /jobstats stream keeps this fresh; fetching is only for the first paint.
    staleTime: Infinity,
  });

export const MAX_RATE_POINTS = 300;

/** The next rate series after a new stats event, or the old one when no time has passed. */
export function nextRates(points: RatePoint[], previous: Stats | undefined, next: Stats) {
  if (!previous) return points;
  const seconds = (next.now.getTime() - previous.now.getTime()) / 1000;
  if (seconds <= 0) return points;
  const point = {
    t: next.now.getTime() / 1000,
    processed: Math.max(0, next.processed - previous.processed) / seconds,
    failed: Math.max(0, next.failed - previous.failed) / seconds,
  };
  return [...points, point].slice(-MAX_RATE_POINTS);
}
