import { useLive } from "../hooks/live";

const LABELS = {
  live: "Live",
  connecting: "Connecting…",
  reconnecting: "Reconnecting…",
  paused: "Paused",
} as const;

/** Shows whether updates stream in, and pauses or resumes them all. */
export function LiveSwitch() {
  const { live, setLive, status } = useLive();
  return (
    <div className="live">
      <span className={`live-dot live-${status}`} aria-hidden="true" />
      <span className="live-label" role="status" aria-live="polite">
        {LABELS[status]}
      </span>
      <button
        type="button"
        role="switch"
        aria-checked={live}
        aria-label="Live updates"
        title={live ? "Pause live updates: no requests until resumed" : "Resume live updates"}
        className="switch"
        onClick={() => setLive(!live)}
      >
        <span className="switch-thumb" />
      </button>
    </div>
  );
}
