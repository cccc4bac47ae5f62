// The server's input rules, checked in the page first so a mistake is named before sending.
// The server checks again and has the last word; these only mirror backend/api/inputs.py and
// backend/jobs/queues.py.

/** Queue and kind names: backend/jobs/registry.py's NAME_RULE. */
export const NAME_RULE = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,99}$/;
export const NAME_HINT =
  "1 to 100 characters: letters, digits, '_', '.', ':' or '-', not starting with a sign";

export const MAX_COUNT = 1_000_000;
export const MAX_PRIORITY = 1_000_000;
export const TEN_YEARS = 10 * 365 * 86400;
export const HUNDRED_YEARS = 100 * 365 * 86400;

/** The problem with a name, or null when it is valid. */
export function checkName(what: string, value: string): string | null {
  if (value === "") return `${what} is required`;
  return NAME_RULE.test(value) ? null : `${what} is not a valid name; use ${NAME_HINT}`;
}

export interface NumberRule {
  whole: boolean;
  min: number;
  max: number;
  /** Whether `min` itself is allowed. */
  minIncluded: boolean;
}

export type Parsed = { value: number | null; error: null } | { value: null; error: string };

/** Read an optional number field: empty is null; anything else must meet `rule`. */
export function parseNumber(label: string, text: string, rule: NumberRule): Parsed {
  const trimmed = text.trim();
  if (trimmed === "") return { value: null, error: null };
  const value = Number(trimmed);
  const inRange =
    Number.isFinite(value) &&
    (rule.minIncluded ? value >= rule.min : value > rule.min) &&
    value <= rule.max &&
    (!rule.whole || Number.isInteger(value));
  if (inRange) return { value, error: null };
  return { value: null, error: `${label} must be ${describe(rule)}, or empty` };
}

function describe(rule: NumberRule): string {
  const max = rule.max.toLocaleString("en-US");
  const min = rule.min.toLocaleString("en-US");
  if (rule.whole) return `a whole number from ${min} to ${max}`;
  return rule.minIncluded
    ? `a number from ${min} to ${max}`
    : `a number above ${min}, up to ${max}`;
}
