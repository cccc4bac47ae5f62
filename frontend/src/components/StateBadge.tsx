import { STATE_LABELS, type JobState } from "../services/states";

export function StateBadge({ state }: { state: JobState }) {
  return <span className={`badge state-${state}`}>{STATE_LABELS[state] ?? state}</span>;
}
