import type { QueueSettings } from "../services/queues";
import { formatNumber, formatSeconds, plural } from "./format";
import { checkName, MAX_COUNT, parseNumber, TEN_YEARS, type NumberRule } from "./rules";

export type SettingKey = keyof QueueSettings;

export interface SettingField {
  key: SettingKey;
  /** The wire's field name, which server errors use. */
  wire: string;
  label: string;
  unit: string;
  hint: string;
  /** What an empty field means. */
  empty: "no limit" | "default";
  rule: NumberRule;
}

const COUNT: NumberRule = { whole: true, min: 1, max: MAX_COUNT, minIncluded: true };
const SECONDS: NumberRule = { whole: false, min: 0, max: TEN_YEARS, minIncluded: true };
const POSITIVE: NumberRule = { whole: false, min: 0, max: TEN_YEARS, minIncluded: false };

export const SETTING_GROUPS: { title: string; fields: SettingField[] }[] = [
  {
    title: "Limits",
    fields: [
      {
        key: "maxConcurrency",
        wire: "max_concurrency",
        label: "Max concurrency",
        unit: "jobs",
        hint: "Jobs running at once, over all workers.",
        empty: "no limit",
        rule: COUNT,
      },
      {
        key: "rateLimit",
        wire: "rate_limit",
        label: "Rate limit",
        unit: "per second",
        hint: "Jobs started per second, over all workers.",
        empty: "no limit",
        rule: POSITIVE,
      },
      {
        key: "rateBurst",
        wire: "rate_burst",
        label: "Rate burst",
        unit: "jobs",
        hint: "Jobs that may start at once after a quiet spell.",
        empty: "no limit",
        rule: COUNT,
      },
    ],
  },
  {
    title: "Retry policy",
    fields: [
      {
        key: "maxAttempts",
        wire: "max_attempts",
        label: "Max attempts",
        unit: "runs",
        hint: "Runs before a failing job is dead.",
        empty: "default",
        rule: COUNT,
      },
      {
        key: "minBackoff",
        wire: "min_backoff",
        label: "Min backoff",
        unit: "seconds",
        hint: "Shortest wait before a retry, in seconds.",
        empty: "default",
        rule: SECONDS,
      },
      {
        key: "maxBackoff",
        wire: "max_backoff",
        label: "Max backoff",
        unit: "seconds",
        hint: "Longest wait before a retry, in seconds.",
        empty: "default",
        rule: SECONDS,
      },
      {
        key: "maxRetryDuration",
        wire: "max_retry_duration",
        label: "Max retry duration",
        unit: "seconds",
        hint: "Seconds after the first attempt when retries stop.",
        empty: "no limit",
        rule: POSITIVE,
      },
    ],
  },
];

export const SETTING_FIELDS: SettingField[] = SETTING_GROUPS.flatMap((g) => g.fields);

export interface QueueDraft {
  name: string;
  settings: Record<SettingKey, string>;
}

/** Problems by field: "name" or a setting key. */
export type QueueErrors = Partial<Record<SettingKey | "name", string>>;

export function toDraft(name: string, settings: QueueSettings | null): QueueDraft {
  const values = {} as Record<SettingKey, string>;
  for (const { key } of SETTING_FIELDS) {
    const value = settings?.[key] ?? null;
    values[key] = value === null ? "" : String(value);
  }
  return { name, settings: values };
}

export type QueueCheck =
  { ok: true; name: string; settings: QueueSettings } | { ok: false; errors: QueueErrors };

/** Check a draft by the server's rules; `checkNameToo` for a queue still to be created. */
export function checkQueueDraft(draft: QueueDraft, checkNameToo: boolean): QueueCheck {
  const errors: QueueErrors = {};
  const name = draft.name.trim();
  if (checkNameToo) {
    const problem = checkName("Name", name);
    if (problem) errors.name = problem;
  }

  const settings = {} as QueueSettings;
  for (const field of SETTING_FIELDS) {
    const parsed = parseNumber(field.label, draft.settings[field.key], field.rule);
    if (parsed.error) errors[field.key] = parsed.error;
    settings[field.key] = parsed.value;
  }

  const { minBackoff, maxBackoff } = settings;
  if (!errors.maxBackoff && minBackoff !== null && maxBackoff !== null && minBackoff > maxBackoff) {
    errors.maxBackoff = "Max backoff must not be less than min backoff";
  }

  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, name, settings };
}

/** A queue's limits in a few words each, such as "3 at once" or "backoff 1 s–1 h". */
export function describeLimits(s: QueueSettings): string[] {
  const parts: string[] = [];
  if (s.maxConcurrency !== null) parts.push(`${formatNumber(s.maxConcurrency)} at once`);
  if (s.rateLimit !== null) {
    const burst = s.rateBurst !== null ? `, burst ${formatNumber(s.rateBurst)}` : "";
    parts.push(`${formatNumber(s.rateLimit)}/s${burst}`);
  } else if (s.rateBurst !== null) {
    parts.push(`burst ${formatNumber(s.rateBurst)}`);
  }
  if (s.maxAttempts !== null) parts.push(plural(s.maxAttempts, "attempt"));
  parts.push(...backoff(s.minBackoff, s.maxBackoff));
  if (s.maxRetryDuration !== null) parts.push(`retries for ${formatSeconds(s.maxRetryDuration)}`);
  return parts;
}

function backoff(low: number | null, high: number | null): string[] {
  if (low !== null && high !== null)
    return [`backoff ${formatSeconds(low)}–${formatSeconds(high)}`];
  if (low !== null) return [`backoff ≥ ${formatSeconds(low)}`];
  if (high !== null) return [`backoff ≤ ${formatSeconds(high)}`];
  return [];
}
