import type { NewSchedule } from "../services/schedules";
import { checkBasics, type BasicsErrors, type JobBasics } from "./jobForm";
import { checkName } from "./rules";

// backend/jobs/cron.py's rules: five fields or an alias, at most 100 characters, and an IANA
// time zone name.
export const CRON_ALIASES = [
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly",
];
const MAX_CRON_LENGTH = 100;
const CRON_FIELD = /^[0-9A-Za-z*,/?#-]+$/;
const ZONE_RULE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

export const CRON_HINT =
  "Five fields: minute hour day-of-month month day-of-week, such as */15 * * * * or " +
  "0 9 * * 1-5; or @hourly, @daily, @weekly, @monthly, @yearly.";

export interface ScheduleDraft extends JobBasics {
  name: string;
  cron: string;
  timezone: string;
}

export type ScheduleErrors = BasicsErrors & Partial<Record<"name" | "cron" | "timezone", string>>;

/** The browser's own time zone, which a new schedule starts with. */
export function localZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

export function emptySchedule(): ScheduleDraft {
  return {
    name: "",
    cron: "",
    timezone: localZone(),
    kind: "",
    queue: "",
    args: "{}",
    priority: "",
  };
}

export type ScheduleCheck =
  { ok: true; schedule: NewSchedule } | { ok: false; errors: ScheduleErrors };

export function checkScheduleDraft(draft: ScheduleDraft): ScheduleCheck {
  const errors: ScheduleErrors = {};
  const name = draft.name.trim();
  const nameProblem = checkName("Name", name);
  if (nameProblem) errors.name = nameProblem;
  const cron = draft.cron.trim().split(/\s+/).join(" ");
  const cronProblem = checkCron(cron);
  if (cronProblem) errors.cron = cronProblem;
  const timezone = draft.timezone.trim();
  const zoneProblem = checkZone(timezone);
  if (zoneProblem) errors.timezone = zoneProblem;
  const job = checkBasics(draft, errors);

  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, schedule: { name, cron, timezone, ...job } };
}

/** The problem with a cron expression, or null when the server is likely to take it. */
export function checkCron(cron: string): string | null {
  if (cron === "") return "Give a cron expression";
  if (cron.length > MAX_CRON_LENGTH)
    return `The expression must be at most ${MAX_CRON_LENGTH} characters`;
  if (cron.startsWith("@")) {
    return CRON_ALIASES.includes(cron.toLowerCase())
      ? null
      : `Unknown shortcut ${cron}; use one of ${CRON_ALIASES.join(", ")}`;
  }
  const fields = cron.split(" ");
  if (fields.length !== 5) {
    return `The expression has ${fields.length} field${fields.length === 1 ? "" : "s"}; it needs five: minute hour day-of-month month day-of-week`;
  }
  const bad = fields.find((f) => !CRON_FIELD.test(f));
  return bad ? `The field ${bad} has characters a cron expression does not use` : null;
}

/** The problem with a time zone name, or null when it is one the browser knows too. */
export function checkZone(zone: string): string | null {
  const hint = "use an IANA name such as UTC, Europe/Berlin or America/New_York";
  if (zone === "") return `Give a time zone; ${hint}`;
  if (zone.length > 64 || !ZONE_RULE.test(zone)) return `Time zone ${zone} is unknown; ${hint}`;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return null;
  } catch {
    return `Time zone ${zone} is unknown; ${hint}`;
  }
}

/** Every zone the browser knows, for suggestions; empty where the browser cannot list them. */
export function knownZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.("timeZone") ?? [];
  } catch {
    return [];
  }
}
