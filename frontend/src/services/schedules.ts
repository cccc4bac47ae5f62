import { queryOptions } from "@tanstack/react-query";
import { request, toDate } from "./http";
import { toJobDetail, type JobDetail, type JobDetailWire } from "./jobs";
import type { JobState } from "./states";

interface ScheduleJobWire {
  id: number;
  state: JobState;
  run_at: string | null;
  created_at: string | null;
  finished_at: string | null;
}

/** The fields that read the same on the wire as in the page. */
type SameOnWire =
  | "name"
  | "cron"
  | "description"
  | "timezone"
  | "kind"
  | "args"
  | "queue"
  | "priority"
  | "paused"
  | "source";

interface ScheduleWire extends Pick<Schedule, SameOnWire> {
  next_run_at: string | null;
  last_run_at: string | null;
  last_job_id: number | null;
  created_at: string | null;
  recent_jobs: ScheduleJobWire[];
}

/** One of the latest jobs a schedule enqueued. */
export interface ScheduleJob {
  id: number;
  state: JobState;
  runAt: Date | null;
  createdAt: Date | null;
  finishedAt: Date | null;
}

/** A recurring job: a cron expression in a time zone, and the job it enqueues each time. */
export interface Schedule {
  name: string;
  cron: string;
  /** The expression in words, such as "At 09:00 AM, Monday through Friday". */
  description: string;
  timezone: string;
  kind: string;
  args: unknown;
  queue: string;
  priority: number;
  paused: boolean;
  /** "code" when declared next to a job function; it comes back when a worker starts. */
  source: "code" | "api";
  /** Null while paused. */
  nextRunAt: Date | null;
  lastRunAt: Date | null;
  lastJobId: number | null;
  createdAt: Date | null;
  recentJobs: ScheduleJob[];
}

export function toSchedule(wire: ScheduleWire): Schedule {
  return {
    name: wire.name,
    cron: wire.cron,
    description: wire.description,
    timezone: wire.timezone,
    kind: wire.kind,
    args: wire.args,
    queue: wire.queue,
    priority: wire.priority,
    paused: wire.paused,
    source: wire.source,
    nextRunAt: toDate(wire.next_run_at),
    lastRunAt: toDate(wire.last_run_at),
    lastJobId: wire.last_job_id,
    createdAt: toDate(wire.created_at),
    recentJobs: (wire.recent_jobs ?? []).map((j) => ({
      id: j.id,
      state: j.state,
      runAt: toDate(j.run_at),
      createdAt: toDate(j.created_at),
      finishedAt: toDate(j.finished_at),
    })),
  };
}

/** The body of POST /api/schedules; unset queue and priority come from the kind. */
export interface NewSchedule {
  name: string;
  cron: string;
  timezone: string;
  kind: string;
  args: Record<string, unknown> | unknown[];
  queue?: string;
  priority?: number;
}

export const scheduleKeys = {
  all: ["schedules"] as const,
  list: () => ["schedules", "list"] as const,
};

export async function fetchSchedules(signal?: AbortSignal): Promise<Schedule[]> {
  const wire = await request<{ items: ScheduleWire[] }>("GET", "api/schedules", { signal });
  return wire.items.map(toSchedule);
}

export const scheduleListQuery = () =>
  queryOptions({
    queryKey: scheduleKeys.list(),
    queryFn: ({ signal }) => fetchSchedules(signal),
  });

const one = (name: string) => `api/schedules/${encodeURIComponent(name)}`;

export async function createSchedule(schedule: NewSchedule): Promise<Schedule> {
  return toSchedule(await request<ScheduleWire>("POST", "api/schedules", { body: schedule }));
}

export async function setSchedulePaused(name: string, paused: boolean): Promise<Schedule> {
  const path = `${one(name)}/${paused ? "pause" : "resume"}`;
  return toSchedule(await request<ScheduleWire>("POST", path));
}

/** Enqueue one run now, paused or not; the next run stays where it was. */
export async function triggerSchedule(
  name: string,
): Promise<{ schedule: Schedule; job: JobDetail }> {
  const wire = await request<{ schedule: ScheduleWire; job: JobDetailWire }>(
    "POST",
    `${one(name)}/trigger`,
  );
  return { schedule: toSchedule(wire.schedule), job: toJobDetail(wire.job) };
}

/** Delete a schedule; the jobs it enqueued stay. */
export async function deleteSchedule(name: string): Promise<void> {
  await request<{ name: string; deleted: boolean }>("DELETE", one(name));
}
