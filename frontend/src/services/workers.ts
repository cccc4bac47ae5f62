import { queryOptions } from "@tanstack/react-query";
import { request, toDate } from "./http";

interface WorkerWire extends Pick<Worker, "id" | "host" | "pid" | "queues" | "slots" | "busy"> {
  jobs: { id: number; kind: string; queue: string; started_at: string | null }[];
  started_at: string | null;
  heartbeat_at: string | null;
}

export interface RunningJob {
  id: number;
  kind: string;
  queue: string;
  startedAt: Date | null;
}

export interface Worker {
  id: string;
  host: string;
  pid: number;
  /** The queues it works on, or null for every queue. */
  queues: string[] | null;
  slots: number;
  busy: number;
  jobs: RunningJob[];
  startedAt: Date | null;
  heartbeatAt: Date | null;
}

export function toWorker(wire: WorkerWire): Worker {
  return {
    id: wire.id,
    host: wire.host,
    pid: wire.pid,
    queues: wire.queues && wire.queues.length > 0 ? wire.queues : null,
    slots: wire.slots,
    busy: wire.busy,
    jobs: (wire.jobs ?? []).map((j) => ({
      id: j.id,
      kind: j.kind,
      queue: j.queue,
      startedAt: toDate(j.started_at),
    })),
    startedAt: toDate(wire.started_at),
    heartbeatAt: toDate(wire.heartbeat_at),
  };
}

export const workerKeys = {
  all: ["workers"] as const,
  list: () => ["workers", "list"] as const,
};

export async function fetchWorkers(signal?: AbortSignal): Promise<Worker[]> {
  const wire = await request<{ items: WorkerWire[] }>("GET", "api/workers", { signal });
  return wire.items.map(toWorker);
}

export const workerListQuery = () =>
  queryOptions({ queryKey: workerKeys.list(), queryFn: ({ signal }) => fetchWorkers(signal) });
