/** Job states as stored, in the order the dashboard shows them, with their tab labels. */
export const STATES = [
  "enqueued",
  "scheduled",
  "processing",
  "retrying",
  "dead",
  "succeeded",
  "cancelled",
] as const;

export type JobState = (typeof STATES)[number];

export const STATE_LABELS: Record<JobState, string> = {
  scheduled: "Scheduled",
  enqueued: "Enqueued",
  processing: "Busy",
  retrying: "Retries",
  succeeded: "Succeeded",
  dead: "Dead",
  cancelled: "Cancelled",
};

export function isState(value: string | undefined): value is JobState {
  return value !== undefined && (STATES as readonly string[]).includes(value);
}

export type StateCounts = Record<JobState, number>;

/** Counts for every state, zero where the wire left one out. */
export function toCounts(wire: Partial<Record<string, number>> | undefined): StateCounts {
  const counts = {} as StateCounts;
  for (const state of STATES) counts[state] = wire?.[state] ?? 0;
  return counts;
}
