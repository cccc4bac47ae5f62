import type { NewJob } from "../services/jobs";
import { checkName, HUNDRED_YEARS, MAX_PRIORITY, parseNumber } from "./rules";

export type When = "now" | "at" | "delay";

export const DELAY_UNITS = { seconds: 1, minutes: 60, hours: 3600, days: 86400 } as const;
export type DelayUnit = keyof typeof DELAY_UNITS;

/** What a job is made of, as typed: shared by the New job and New schedule forms. */
export interface JobBasics {
  kind: string;
  queue: string;
  args: string;
  priority: string;
}

/** The New job form as typed. */
export interface JobDraft extends JobBasics {
  when: When;
  /** A datetime-local value, in the browser's time zone. */
  at: string;
  delay: string;
  delayUnit: DelayUnit;
}

export type BasicsErrors = Partial<Record<keyof JobBasics, string>>;
export type JobErrors = BasicsErrors & Partial<Record<"at" | "delay", string>>;

export const EMPTY_JOB: JobDraft = {
  kind: "",
  queue: "",
  args: "{}",
  priority: "",
  when: "now",
  at: "",
  delay: "",
  delayUnit: "minutes",
};

// The latest run_at the server takes: 9000-01-01T00:00:00Z.
const LATEST_RUN_AT = Date.UTC(9000, 0, 1);

export type JobCheck = { ok: true; job: NewJob } | { ok: false; errors: JobErrors };

/** Check a draft by the server's rules and turn it into the body of POST /api/jobs. */
export function checkJobDraft(draft: JobDraft): JobCheck {
  const errors: JobErrors = {};
  const job: NewJob = checkBasics(draft, errors);

  const timing = checkWhen(draft);
  if ("error" in timing) errors[timing.field] = timing.error;
  else Object.assign(job, timing);

  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, job };
}

/** Check kind, queue, args and priority, adding problems to `errors`; return what is valid. */
export function checkBasics(draft: JobBasics, errors: BasicsErrors): NewJob {
  const job: NewJob = { kind: draft.kind.trim(), args: {} };

  const kindProblem = checkName("Kind", job.kind);
  if (kindProblem) errors.kind = kindProblem;
  const queue = draft.queue.trim();
  if (queue) {
    const queueProblem = checkName("Queue", queue);
    if (queueProblem) errors.queue = queueProblem;
    else job.queue = queue;
  }

  const args = parseArgs(draft.args);
  if (args.error !== null) errors.args = args.error;
  else job.args = args.value;

  const priority = parseNumber("Priority", draft.priority, {
    whole: true,
    min: -MAX_PRIORITY,
    max: MAX_PRIORITY,
    minIncluded: true,
  });
  if (priority.error) errors.priority = priority.error;
  else if (priority.value !== null) job.priority = priority.value;
  return job;
}

export type ParsedArgs =
  { value: Record<string, unknown> | unknown[]; error: null } | { value: null; error: string };

/** Args must be a JSON object or array; an empty box means no args ({}). */
export function parseArgs(text: string): ParsedArgs {
  if (text.trim() === "") return { value: {}, error: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { value: null, error: `Args are not valid JSON: ${reason}` };
  }
  if (typeof value !== "object" || value === null) {
    return { value: null, error: "Args must be a JSON object or array, such as {} or []" };
  }
  return { value: value as Record<string, unknown> | unknown[], error: null };
}

type Timing = { run_at?: string; delay?: number } | { field: "at" | "delay"; error: string };

function checkWhen(draft: JobDraft): Timing {
  if (draft.when === "at") {
    if (!draft.at) return { field: "at", error: "Pick the time to run it" };
    const date = new Date(draft.at);
    const time = date.getTime();
    if (Number.isNaN(time) || time < 0 || time >= LATEST_RUN_AT) {
      return { field: "at", error: "The time must be from 1970 to before the year 9000" };
    }
    return { run_at: date.toISOString() };
  }
  if (draft.when === "delay") {
    const unit = DELAY_UNITS[draft.delayUnit];
    const parsed = parseNumber("The delay", draft.delay, {
      whole: false,
      min: 0,
      max: HUNDRED_YEARS / unit,
      minIncluded: true,
    });
    if (parsed.error) return { field: "delay", error: parsed.error };
    if (parsed.value === null) return { field: "delay", error: "Give the delay" };
    return { delay: parsed.value * unit };
  }
  return {};
}
