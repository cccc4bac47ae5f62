import { useCallback, useEffect, useState } from "react";

export interface Selection {
  ids: ReadonlySet<number>;
  /** Every job matching the filter, across pages, rather than the ids. */
  allMatching: boolean;
  toggle: (id: number) => void;
  togglePage: (pageIds: number[]) => void;
  selectAllMatching: () => void;
  clear: () => void;
}

/** Which jobs of a list are selected; starts empty whenever `resetKey` changes. */
export function useSelection(resetKey: string): Selection {
  const [ids, setIds] = useState<ReadonlySet<number>>(new Set());
  const [allMatching, setAllMatching] = useState(false);

  const clear = useCallback(() => {
    setIds(new Set());
    setAllMatching(false);
  }, []);

  useEffect(clear, [resetKey, clear]);

  const toggle = useCallback((id: number) => {
    setIds((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);

  const togglePage = useCallback(
    (pageIds: number[]) => {
      if (allMatching) return clear();
      setIds((current) => (pageIds.every((id) => current.has(id)) ? new Set() : new Set(pageIds)));
    },
    [allMatching, clear],
  );

  const selectAllMatching = useCallback(() => setAllMatching(true), []);

  return { ids, allMatching, toggle, togglePage, selectAllMatching, clear };
}
