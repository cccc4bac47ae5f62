import type { JobState } from "../services/states";

/** The path segment for "every queue"; no queue name can start with "~". */
export const ALL_QUEUES = "~all";

export function statePath(queue: string | null, state: JobState, search = ""): string {
  const segment = queue === null ? ALL_QUEUES : encodeURIComponent(queue);
  return `/jobs/${segment}/${state}${search ? `?${search}` : ""}`;
}

export function jobPath(id: number): string {
  return `/job/${id}`;
}
