import { NavLink } from "react-router";
import { formatNumber } from "../lib/format";
import { statePath } from "../lib/paths";
import { STATE_LABELS, STATES, type StateCounts } from "../services/states";

interface StateTabsProps {
  queue: string | null;
  counts: StateCounts | undefined;
  /** Search params (filters) the tabs carry over, without the page cursor. */
  search: string;
}

/** One link per state of a queue, with its live count. */
export function StateTabs({ queue, counts, search }: StateTabsProps) {
  return (
    <nav aria-label="States" className="tabs">
      {STATES.map((state) => (
        <NavLink
          key={state}
          to={statePath(queue, state, search)}
          className={({ isActive }) => (isActive ? "tab active" : "tab")}
        >
          {STATE_LABELS[state]}
          <span className={`tab-count count-${state}`}>
            {counts ? formatNumber(counts[state]) : "…"}
          </span>
        </NavLink>
      ))}
    </nav>
  );
}
