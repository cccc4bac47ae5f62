import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { request, toDate } from "./http";
import type { JobState } from "./states";

export type JobAction = "retry" | "run_now" | "kill" | "cancel" | "delete";
export type JobSort = "-id" | "id" | "run_at" | "-run_at" | "finished_at" | "-finished_at";

export interface JobSummaryWire {
  id: number;
  kind: string;
  queue: string;
  state: JobState;
  priority: number;
  attempt: number;
  max_attempts: number | null;
  args_preview: string;
  error: string | null;
  created_at: string;
  run_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  worker_id: string | null;
  schedule?: string | null;
}

export interface AttemptWire {
  attempt: number;
  outcome: string;
  error_class: string | null;
  error_message: string | null;
  traceback: string | null;
  worker_id: string | null;
  started_at: string | null;
  finished_at: string | null;
}

export interface JobDetailWire extends JobSummaryWire {
  args: unknown;
  timeout: number | null;
  cancel_requested: boolean;
  attempts: AttemptWire[];
  actions: JobAction[];
}

export interface JobSummary {
  id: number;
  kind: string;
  queue: string;
  state: JobState;
  priority: number;
  attempt: number;
  maxAttempts: number | null;
  argsPreview: string;
  error: string | null;
  createdAt: Date | null;
  runAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  workerId: string | null;
  /** The schedule that enqueued it, if one did. */
  schedule: string | null;
}

export interface Attempt {
  attempt: number;
  outcome: string;
  errorClass: string | null;
  errorMessage: string | null;
  traceback: string | null;
  workerId: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface JobDetail extends JobSummary {
  args: unknown;
  timeout: number | null;
  cancelRequested: boolean;
  attempts: Attempt[];
  actions: JobAction[];
}

/** Which jobs a list or a bulk action is about, with the wire's field names. */
export interface JobFilter {
  queue?: string;
  state?: JobState;
  kind?: string;
  schedule?: string;
  q?: string;
  created_after?: string;
  created_before?: string;
  finished_after?: string;
  finished_before?: string;
}

export interface JobListParams extends JobFilter {
  sort?: JobSort;
  limit?: number;
  cursor?: string;
}

export interface JobPage {
  items: JobSummary[];
  total: number;
  nextCursor: string | null;
}

export interface BulkResult {
  action: JobAction;
  matched: number;
  changed: number;
  skipped: { id: number; reason: string }[];
  skippedCount: number;
  reasons: Record<string, number>;
  summary: string;
}

interface BulkResultWire extends Omit<BulkResult, "skippedCount"> {
  skipped_count: number;
}

export function toJobSummary(wire: JobSummaryWire): JobSummary {
  return {
    id: wire.id,
    kind: wire.kind,
    queue: wire.queue,
    state: wire.state,
    priority: wire.priority,
    attempt: wire.attempt,
    maxAttempts: wire.max_attempts,
    argsPreview: wire.args_preview ?? "",
    error: wire.error,
    createdAt: toDate(wire.created_at),
    runAt: toDate(wire.run_at),
    startedAt: toDate(wire.started_at),
    finishedAt: toDate(wire.finished_at),
    workerId: wire.worker_id,
    schedule: wire.schedule ?? null,
  };
}

function toAttempt(wire: AttemptWire): Attempt {
  return {
    attempt: wire.attempt,
    outcome: wire.outcome,
    errorClass: wire.error_class,
    errorMessage: wire.error_message,
    traceback: wire.traceback,
    workerId: wire.worker_id,
    startedAt: toDate(wire.started_at),
    finishedAt: toDate(wire.finished_at),
  };
}

export function toJobDetail(wire: JobDetailWire): JobDetail {
  return {
    ...toJobSummary(wire),
    args: wire.args,
    timeout: wire.timeout,
    cancelRequested: wire.cancel_requested,
    attempts: (wire.attempts ?? []).map(toAttempt),
    actions: wire.actions ?? [],
  };
}

export function toBulkResult(wire: BulkResultWire): BulkResult {
  return {
    action: wire.action,
    matched: wire.matched,
    changed: wire.changed,
    skipped: wire.skipped ?? [],
    skippedCount: wire.skipped_count ?? 0,
    reasons: wire.reasons ?? {},
    summary: wire.summary,
  };
}

export const jobKeys = {
  all: ["jobs"] as const,
  lists: () => ["jobs", "list"] as const,
  list: (params: JobListParams) => ["jobs", "list", params] as const,
  details: () => ["jobs", "detail"] as const,
  detail: (id: number) => ["jobs", "detail", id] as const,
};

export async function fetchJobs(params: JobListParams, signal?: AbortSignal): Promise<JobPage> {
  const wire = await request<{
    items: JobSummaryWire[];
    total: number;
    next_cursor: string | null;
  }>("GET", "api/jobs", { params: { ...params }, signal });
  return { items: wire.items.map(toJobSummary), total: wire.total, nextCursor: wire.next_cursor };
}

export async function fetchJob(id: number, signal?: AbortSignal): Promise<JobDetail> {
  return toJobDetail(await request<JobDetailWire>("GET", `api/jobs/${id}`, { signal }));
}

export const jobListQuery = (params: JobListParams) =>
  queryOptions({
    queryKey: jobKeys.list(params),
    queryFn: ({ signal }) => fetchJobs(params, signal),
    placeholderData: keepPreviousData,
  });

export const jobQuery = (id: number) =>
  queryOptions({ queryKey: jobKeys.detail(id), queryFn: ({ signal }) => fetchJob(id, signal) });

export interface ActionOutcome {
  job: JobDetail | null;
  result: BulkResult;
}

/** One action on one job; a refusal comes back as an ApiError with the reason. */
export async function actOnJob(id: number, action: JobAction): Promise<ActionOutcome> {
  const wire = await request<{ job: JobDetailWire | null; result: BulkResultWire }>(
    action === "delete" ? "DELETE" : "POST",
    action === "delete" ? `api/jobs/${id}` : `api/jobs/${id}/${action}`,
  );
  return { job: wire.job ? toJobDetail(wire.job) : null, result: toBulkResult(wire.result) };
}

export type BulkTarget = { ids: number[] } | { filter: JobFilter };

/** One action on explicit ids, or on every job matching a filter. */
export async function bulkAct(action: JobAction, target: BulkTarget): Promise<BulkResult> {
  const wire = await request<BulkResultWire>("POST", "api/jobs/bulk", {
    body: { action, ...target },
  });
  return toBulkResult(wire);
}

export const ACTION_LABELS: Record<JobAction, string> = {
  retry: "Retry now",
  run_now: "Run now",
  kill: "Kill",
  cancel: "Cancel",
  delete: "Delete",
};

/** Actions that lose work or data, and so ask before they run. */
export const DESTRUCTIVE: ReadonlySet<JobAction> = new Set(["kill", "cancel", "delete"]);

/** The body of POST /api/jobs; unset options come from the kind's defaults. */
export interface NewJob {
  kind: string;
  args: Record<string, unknown> | unknown[];
  queue?: string;
  priority?: number;
  /** ISO 8601 with a zone. */
  run_at?: string;
  /** Seconds from now. */
  delay?: number;
}

export async function createJob(job: NewJob): Promise<JobDetail> {
  return toJobDetail(await request<JobDetailWire>("POST", "api/jobs", { body: job }));
}

/** Enqueue a copy of a job (kind, args, queue, priority) to run now; returns the copy. */
export async function duplicateJob(id: number): Promise<JobDetail> {
  return toJobDetail(await request<JobDetailWire>("POST", `api/jobs/${id}/duplicate`));
}
