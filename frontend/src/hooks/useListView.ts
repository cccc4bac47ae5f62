import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";
import { changeView, readView, writeView, type ListView } from "../lib/listView";

/** The job list's filters and page, read from and written to the URL. */
export function useListView(): [ListView, (change: Partial<ListView>) => void] {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => readView(params), [params]);

  const update = useCallback(
    (change: Partial<ListView>) => {
      setParams(writeView(changeView(view, change)));
    },
    [setParams, view],
  );

  return [view, update];
}
