import { useQueryClient, type QueryKey } from "@tanstack/react-query";

/** A function that marks the queries under `keys` stale, so what the page shows refetches. */
export function useRefresh(keys: readonly QueryKey[]): () => void {
  const queryClient = useQueryClient();
  return () => {
    for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
  };
}
