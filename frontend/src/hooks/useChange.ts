import { useMutation, type QueryKey } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useRefresh } from "./useRefresh";

/** One piece of work the person asked for; it resolves to the notice that reports it. */
export type Work = () => Promise<ReactNode>;

/**
 * Runs changes one at a time and keeps the notice of the last one that worked. Whether a change
 * worked or not, the queries under `keys` refetch, since it may have gone half way.
 */
export function useChange(keys: readonly QueryKey[], onSuccess?: () => void) {
  const [notice, setNotice] = useState<ReactNode>(null);
  const refresh = useRefresh(keys);

  const change = useMutation({
    mutationFn: async (work: Work) => work(),
    onSuccess: (message) => {
      setNotice(message);
      onSuccess?.();
    },
    onSettled: refresh,
  });

  return { change, notice, setNotice, refresh };
}
