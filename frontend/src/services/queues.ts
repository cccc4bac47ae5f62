import { queryOptions } from "@tanstack/react-query";
import { request, toDate } from "./http";
import { toCounts, type StateCounts } from "./states";

export interface QueueSettings {
  maxConcurrency: number | null;
  rateLimit: number | null;
  rateBurst: number | null;
  maxAttempts: number | null;
  minBackoff: number | null;
  maxBackoff: number | null;
  maxRetryDuration: number | null;
}

export type QueueSettingsWire = {
  max_concurrency: number | null;
  rate_limit: number | null;
  rate_burst: number | null;
  max_attempts: number | null;
  min_backoff: number | null;
  max_backoff: number | null;
  max_retry_duration: number | null;
};

interface QueueWire {
  name: string;
  paused: boolean;
  created_at: string | null;
  settings: Partial<QueueSettingsWire> | null;
  counts: Record<string, number>;
  latency_seconds: number | null;
}

export interface Queue {
  name: string;
  paused: boolean;
  createdAt: Date | null;
  settings: QueueSettings;
  counts: StateCounts;
  latencySeconds: number | null;
}

export function toQueue(wire: QueueWire): Queue {
  const s = wire.settings ?? {};
  return {
    name: wire.name,
    paused: wire.paused,
    createdAt: toDate(wire.created_at),
    settings: {
      maxConcurrency: s.max_concurrency ?? null,
      rateLimit: s.rate_limit ?? null,
      rateBurst: s.rate_burst ?? null,
      maxAttempts: s.max_attempts ?? null,
      minBackoff: s.min_backoff ?? null,
      maxBackoff: s.max_backoff ?? null,
      maxRetryDuration: s.max_retry_duration ?? null,
    },
    counts: toCounts(wire.counts),
    latencySeconds: wire.latency_seconds,
  };
}

export function toSettingsWire(settings: QueueSettings): QueueSettingsWire {
  return {
    max_concurrency: settings.maxConcurrency,
    rate_limit: settings.rateLimit,
    rate_burst: settings.rateBurst,
    max_attempts: settings.maxAttempts,
    min_backoff: settings.minBackoff,
    max_backoff: settings.maxBackoff,
    max_retry_duration: settings.maxRetryDuration,
  };
}

export const queueKeys = {
  all: ["queues"] as const,
  list: () => ["queues", "list"] as const,
};

export async function fetchQueues(signal?: AbortSignal): Promise<Queue[]> {
  const wire = await request<{ items: QueueWire[] }>("GET", "api/queues", { signal });
  return wire.items.map(toQueue);
}

export const queueListQuery = () =>
  queryOptions({ queryKey: queueKeys.list(), queryFn: ({ signal }) => fetchQueues(signal) });

export async function setQueuePaused(name: string, paused: boolean): Promise<Queue> {
  const path = `api/queues/${encodeURIComponent(name)}/${paused ? "pause" : "resume"}`;
  return toQueue(await request<QueueWire>("POST", path));
}

/** Delete a queue's waiting jobs; returns how many went. */
export async function purgeQueue(name: string): Promise<number> {
  const path = `api/queues/${encodeURIComponent(name)}/purge`;
  return (await request<{ deleted: number }>("POST", path)).deleted;
}

export async function updateQueue(name: string, settings: QueueSettings): Promise<Queue> {
  const wire = await request<QueueWire>("PATCH", `api/queues/${encodeURIComponent(name)}`, {
    body: toSettingsWire(settings),
  });
  return toQueue(wire);
}

export async function createQueue(name: string, settings: QueueSettings): Promise<Queue> {
  const wire = await request<QueueWire>("POST", "api/queues", {
    body: { name, ...toSettingsWire(settings) },
  });
  return toQueue(wire);
}

/** Delete a queue and all its jobs; returns how many jobs went. */
export async function deleteQueue(name: string): Promise<number> {
  const path = `api/queues/${encodeURIComponent(name)}`;
  return (await request<{ deleted: number }>("DELETE", path)).deleted;
}
