import { errorMessage } from "../services/http";

interface PanelFooterProps {
  /** How many fields the page's own check found wrong. */
  problems: number;
  /** The server's refusal, if it refused. */
  error: unknown;
  busy: boolean;
  submitLabel: string;
  busyLabel: string;
  onCancel: () => void;
}

/** A side panel form's last line: what stands in the way of sending it, and its buttons. */
export function PanelFooter({ problems, error, busy, ...labels }: PanelFooterProps) {
  return (
    <footer className="side-panel-foot">
      {error ? (
        <p className="form-error" role="alert">
          {errorMessage(error)}
        </p>
      ) : (
        problems > 0 && (
          <p className="form-error" role="alert">
            {problems === 1 ? "One field needs a change." : `${problems} fields need a change.`}
          </p>
        )
      )}
      <div className="side-panel-actions">
        <button type="button" className="button" onClick={labels.onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? labels.busyLabel : labels.submitLabel}
        </button>
      </div>
    </footer>
  );
}
