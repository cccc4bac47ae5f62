import { ApiError } from "../services/http";

/**
 * The server's field problems placed on the form's fields. `fields` maps a wire field name
 * (the first part of a problem's `field`, such as "args" of "args.0") to the form's key.
 */
export function placeServerErrors<K extends string>(
  error: unknown,
  fields: Record<string, K>,
): Partial<Record<K, string>> {
  const placed: Partial<Record<K, string>> = {};
  if (!(error instanceof ApiError)) return placed;
  for (const problem of error.fields) {
    const key: K | undefined = fields[problem.field.split(".")[0] ?? ""];
    if (key && !placed[key]) placed[key] = problem.message;
  }
  return placed;
}
