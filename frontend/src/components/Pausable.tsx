/** Whether a queue or schedule is paused; `running` names the other state. */
export function PausedBadge({ paused, running }: { paused: boolean; running: string }) {
  return paused ? (
    <span className="badge badge-paused">Paused</span>
  ) : (
    <span className="badge badge-running">{running}</span>
  );
}

interface PauseButtonProps {
  paused: boolean;
  busy: boolean;
  onToggle: () => void;
}

/** The row button that pauses what runs and resumes what is paused. */
export function PauseButton({ paused, busy, onToggle }: PauseButtonProps) {
  return (
    <button type="button" className="button" disabled={busy} onClick={onToggle}>
      {paused ? "Resume" : "Pause"}
    </button>
  );
}
