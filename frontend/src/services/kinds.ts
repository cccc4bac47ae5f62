import { queryOptions } from "@tanstack/react-query";
import { request } from "./http";

interface KindWire {
  kind: string;
  workers: number;
  builtin: boolean;
}

/** A job kind a producer can enqueue: registered by live workers, or built in. */
export interface Kind {
  kind: string;
  /** Live workers that registered it. */
  workers: number;
  builtin: boolean;
}

export function toKind(wire: KindWire): Kind {
  return { kind: wire.kind, workers: wire.workers ?? 0, builtin: Boolean(wire.builtin) };
}

export const kindKeys = {
  all: ["kinds"] as const,
  list: () => ["kinds", "list"] as const,
};

export async function fetchKinds(signal?: AbortSignal): Promise<Kind[]> {
  const wire = await request<{ items: KindWire[] }>("GET", "api/kinds", { signal });
  return wire.items.map(toKind);
}

export const kindListQuery = () =>
  queryOptions({
    queryKey: kindKeys.list(),
    queryFn: ({ signal }) => fetchKinds(signal),
    // The forms work without the list: a kind can be typed by hand.
    retry: false,
  });

/** A few words on who runs a kind, for the hint under a kind field. */
export function kindHint(kinds: Kind[] | undefined, typed: string): string {
  const known = kinds?.find((k) => k.kind === typed.trim());
  if (!known) {
    if (typed.trim() && kinds) return "No live worker has this kind; its jobs wait until one does.";
    return "The registered function's name; the list offers the kinds live workers run.";
  }
  const workers = known.workers === 1 ? "1 live worker runs" : `${known.workers} live workers run`;
  if (!known.builtin) return `${workers} this kind.`;
  return known.workers ? `Built in; ${workers} it.` : "Built in; no live worker yet.";
}
