import { useMemo } from "react";
import { useSearchParams } from "react-router";

/** The items whose name contains the `name` search parameter, and a way to change it. */
export function useNameFilter<T extends { name: string }>(items: T[] | undefined) {
  const [params, setParams] = useSearchParams();
  const find = params.get("name") ?? "";

  const shown = useMemo(() => {
    const needle = find.trim().toLowerCase();
    return (items ?? []).filter((item) => !needle || item.name.toLowerCase().includes(needle));
  }, [items, find]);

  const setFind = (value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set("name", value);
    else next.delete("name");
    // Typing is not navigation: each keystroke replaces the entry instead of adding one.
    setParams(next, { replace: true });
  };

  return { find, setFind, shown };
}
