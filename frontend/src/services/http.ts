import { config } from "../config";

/** One invalid field of a request, as a problem+json `errors` entry names it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** An API failure carrying the problem+json `detail` meant for the person. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly fields: FieldProblem[];

  constructor(status: number, title: string, detail: string, fields: FieldProblem[] = []) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.title = title;
    this.fields = fields;
  }
}

export type Params = Record<string, string | number | boolean | null | undefined>;

/** An absolute URL path for `path` (such as "api/jobs") under the app's root path. */
export function appUrl(path: string, params?: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const query = search.toString();
  return `${config.rootPath}/${path}${query ? `?${query}` : ""}`;
}

interface RequestOptions {
  params?: Params;
  body?: unknown;
  signal?: AbortSignal;
}

/** Send one API request and return its JSON, or throw an ApiError a person can read. */
export async function request<T>(
  method: string,
  path: string,
  { params, body, signal }: RequestOptions = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(appUrl(path, params), {
      method,
      signal,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, "Server unreachable", "Cannot reach the Roost server. Is it running?");
  }
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

async function toApiError(response: Response): Promise<ApiError> {
  const fallback = `The server answered ${response.status} ${response.statusText}.`;
  try {
    const problem = (await response.json()) as {
      title?: string;
      detail?: string;
      errors?: { field?: unknown; message?: unknown }[];
    };
    return new ApiError(
      response.status,
      problem.title ?? response.statusText,
      problem.detail ?? problem.title ?? fallback,
      toFieldProblems(problem.errors),
    );
  } catch {
    const detail = response.status >= 500 ? `${fallback} See the server log.` : fallback;
    return new ApiError(response.status, response.statusText, detail);
  }
}

function toFieldProblems(errors: { field?: unknown; message?: unknown }[] | undefined) {
  if (!Array.isArray(errors)) return [];
  return errors
    .filter((e) => typeof e.field === "string" && typeof e.message === "string")
    .map((e) => ({ field: e.field as string, message: e.message as string }));
}

/** The message to show for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A wire time (ISO 8601 UTC or null) as a Date. */
export function toDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
