import { Empty } from "./Status";

interface NameFilterProps {
  /** What the page lists, in the singular: "queue", "schedule". */
  noun: string;
  value: string;
  onChange: (value: string) => void;
}

/** The search box that narrows a page's list by name. */
export function NameFilter({ noun, value, onChange }: NameFilterProps) {
  return (
    <input
      type="search"
      className="input"
      placeholder="Filter by name"
      aria-label={`Filter ${noun}s by name`}
      value={value}
      maxLength={100}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** What shows when no name contains the filter text, with the way out. */
export function NoNameMatch({ noun, value, onChange }: NameFilterProps) {
  return (
    <Empty title={`No ${noun} name contains “${value}”`}>
      <button type="button" className="button" onClick={() => onChange("")}>
        Clear the filter
      </button>
    </Empty>
  );
}
