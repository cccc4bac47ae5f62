import { formatNumber, plural } from "../lib/format";
import { ACTION_LABELS, DESTRUCTIVE, type JobAction } from "../services/jobs";

interface BulkBarProps {
  actions: JobAction[];
  count: number;
  busy: boolean;
  onAction: (action: JobAction) => void;
  onClear: () => void;
}

/** The actions for the selected jobs; disabled, with a hint, until something is selected. */
export function BulkBar({ actions, count, busy, onAction, onClear }: BulkBarProps) {
  const none = count === 0;
  return (
    <div className="bulkbar" role="toolbar" aria-label="Bulk actions">
      <span className="bulk-count" aria-live="polite">
        {none ? "Select jobs to act on them" : `${plural(count, "job")} selected`}
      </span>
      {actions.map((action) => (
        <button
          key={action}
          type="button"
          className={DESTRUCTIVE.has(action) ? "button button-danger-quiet" : "button"}
          disabled={none || busy}
          title={none ? "Select jobs first" : `${ACTION_LABELS[action]}: ${formatNumber(count)}`}
          onClick={() => onAction(action)}
        >
          {ACTION_LABELS[action]}
        </button>
      ))}
      {!none && (
        <button type="button" className="link-button" onClick={onClear}>
          Clear selection
        </button>
      )}
    </div>
  );
}
