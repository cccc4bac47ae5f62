import { useEffect, useState, type FormEvent } from "react";
import {
  isFiltered,
  isoToLocalInput,
  localInputToIso,
  NO_FILTERS,
  RANGES,
  type ListView,
  type RangeKey,
} from "../lib/listView";
import type { JobSort } from "../services/jobs";

interface FilterBarProps {
  view: ListView;
  onChange: (change: Partial<ListView>) => void;
  kinds: string[];
}

const SORT_LABELS: Record<JobSort, string> = {
  "-id": "Newest first",
  id: "Oldest first",
  run_at: "Run at, soonest",
  "-run_at": "Run at, latest",
  "-finished_at": "Finished, latest",
  finished_at: "Finished, earliest",
};

/** Kind, free text and time range; every change lands in the URL. */
export function FilterBar({ view, onChange, kinds }: FilterBarProps) {
  const [kind, setKind] = useState(view.kind);
  const [q, setQ] = useState(view.q);

  // Back and forward change the URL under the form; follow it.
  useEffect(() => setKind(view.kind), [view.kind]);
  useEffect(() => setQ(view.q), [view.q]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ kind: kind.trim(), q: q.trim() });
  };

  return (
    <form className="filters" role="search" aria-label="Filter jobs" onSubmit={submit}>
      <label className="field">
        <span>Kind</span>
        <input
          className="input"
          list="known-kinds"
          value={kind}
          placeholder="any kind"
          onChange={(e) => setKind(e.target.value)}
        />
        <datalist id="known-kinds">
          {kinds.map((k) => (
            <option key={k} value={k} />
          ))}
        </datalist>
      </label>
      <label className="field field-grow">
        <span>Search args and errors</span>
        <input
          className="input"
          type="search"
          value={q}
          maxLength={200}
          placeholder="text inside args or errors, or a job id"
          onChange={(e) => setQ(e.target.value)}
        />
      </label>
      <label className="field">
        <span>Time</span>
        <select
          className="input"
          value={view.field}
          onChange={(e) => onChange({ field: e.target.value as ListView["field"] })}
        >
          <option value="created">Created</option>
          <option value="finished">Finished</option>
        </select>
      </label>
      <label className="field">
        <span>Range</span>
        <select
          className="input"
          value={view.range}
          onChange={(e) => onChange({ range: e.target.value as RangeKey | "" })}
        >
          <option value="">Any time</option>
          {(Object.keys(RANGES) as RangeKey[]).map((key) => (
            <option key={key} value={key}>
              {RANGES[key].label}
            </option>
          ))}
        </select>
      </label>
      {view.range === "custom" && (
        <>
          <TimeField label="From" iso={view.after} onChange={(after) => onChange({ after })} />
          <TimeField label="Until" iso={view.before} onChange={(before) => onChange({ before })} />
        </>
      )}
      <label className="field">
        <span>Order</span>
        <select
          className="input"
          value={view.sort}
          onChange={(e) => onChange({ sort: e.target.value as JobSort })}
        >
          {(Object.keys(SORT_LABELS) as JobSort[]).map((key) => (
            <option key={key} value={key}>
              {SORT_LABELS[key]}
            </option>
          ))}
        </select>
      </label>
      {view.schedule && (
        <p className="filter-chip">
          <span>
            Enqueued by schedule <strong>{view.schedule}</strong>
          </span>
          <button
            type="button"
            className="icon-button"
            aria-label={`Remove the schedule filter ${view.schedule}`}
            onClick={() => onChange({ schedule: "" })}
          >
            ×
          </button>
        </p>
      )}
      <div className="filter-buttons">
        <button type="submit" className="button button-primary">
          Filter
        </button>
        {isFiltered(view) && (
          <button type="button" className="button" onClick={() => onChange(NO_FILTERS)}>
            Clear filters
          </button>
        )}
      </div>
    </form>
  );
}

interface TimeFieldProps {
  label: string;
  iso: string;
  onChange: (iso: string) => void;
}

/** One end of a custom range, typed in local time and kept in the URL as ISO. */
function TimeField({ label, iso, onChange }: TimeFieldProps) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        className="input"
        type="datetime-local"
        value={isoToLocalInput(iso)}
        onChange={(e) => onChange(localInputToIso(e.target.value))}
      />
    </label>
  );
}
