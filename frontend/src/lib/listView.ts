import type { JobFilter, JobSort } from "../services/jobs";
import type { JobState } from "../services/states";

/** How a job list is narrowed and ordered, as kept in the URL's search params. */
export interface ListView {
  kind: string;
  /** Only the jobs this schedule enqueued. */
  schedule: string;
  q: string;
  /** Which time the range applies to. */
  field: "created" | "finished";
  range: RangeKey | "";
  /** ISO 8601 UTC bounds of a custom range. */
  after: string;
  before: string;
  sort: JobSort;
  cursor: string;
}

export const RANGES = {
  "15m": { label: "Last 15 minutes", seconds: 15 * 60 },
  "1h": { label: "Last hour", seconds: 3600 },
  "24h": { label: "Last 24 hours", seconds: 86400 },
  "7d": { label: "Last 7 days", seconds: 7 * 86400 },
  custom: { label: "Custom range", seconds: 0 },
} as const;

export type RangeKey = keyof typeof RANGES;

const SORTS: readonly JobSort[] = ["-id", "id", "run_at", "-run_at", "finished_at", "-finished_at"];

export const DEFAULT_VIEW: ListView = {
  kind: "",
  schedule: "",
  q: "",
  field: "created",
  range: "",
  after: "",
  before: "",
  sort: "-id",
  cursor: "",
};

/** The change that clears every filter, keeping the order. */
export const NO_FILTERS: Partial<ListView> = {
  kind: "",
  schedule: "",
  q: "",
  range: "",
  after: "",
  before: "",
};

export function readView(params: URLSearchParams): ListView {
  const range = params.get("range") ?? "";
  const sort = params.get("sort") ?? "";
  return {
    kind: params.get("kind") ?? "",
    schedule: params.get("schedule") ?? "",
    q: params.get("q") ?? "",
    field: params.get("field") === "finished" ? "finished" : "created",
    range: range in RANGES ? (range as RangeKey) : "",
    after: params.get("after") ?? "",
    before: params.get("before") ?? "",
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as JobSort) : "-id",
    cursor: params.get("cursor") ?? "",
  };
}

/** Search params for a view, leaving out defaults so links stay short. */
export function writeView(view: ListView): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_VIEW) as (keyof ListView)[]) {
    const value = view[key];
    if (value && value !== DEFAULT_VIEW[key]) params.set(key, value);
  }
  if (view.range !== "custom") {
    params.delete("after");
    params.delete("before");
  }
  return params;
}

/** A change to what matches also starts again at the first page. */
export function changeView(view: ListView, change: Partial<ListView>): ListView {
  const next = { ...view, ...change };
  if (!("cursor" in change)) next.cursor = "";
  return next;
}

export function isFiltered(view: ListView): boolean {
  return Boolean(view.kind || view.schedule || view.q || view.range);
}

/** The API filter for a queue, a state and a view; relative ranges end at `now`. */
export function toFilter(
  queue: string | null,
  state: JobState | null,
  view: ListView,
  now: number,
): JobFilter {
  const filter: JobFilter = {};
  if (queue) filter.queue = queue;
  if (state) filter.state = state;
  if (view.kind) filter.kind = view.kind;
  if (view.schedule) filter.schedule = view.schedule;
  if (view.q) filter.q = view.q;
  const [after, before] = rangeBounds(view, now);
  if (after) filter[`${view.field}_after`] = after;
  if (before) filter[`${view.field}_before`] = before;
  return filter;
}

function rangeBounds(view: ListView, now: number): [string, string] {
  if (!view.range) return ["", ""];
  if (view.range === "custom") return [view.after, view.before];
  const seconds = RANGES[view.range].seconds;
  // Whole minutes keep the query key, and so the cache, steady while the page stays open.
  const end = Math.ceil(now / 60_000) * 60_000;
  return [new Date(end - seconds * 1000).toISOString().replace(/\.\d+Z$/, "Z"), ""];
}

/** A datetime-local input's value (local time) from an ISO UTC string, and back. */
export function isoToLocalInput(iso: string): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function localInputToIso(value: string): string {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString().replace(/\.\d+Z$/, "Z");
}
