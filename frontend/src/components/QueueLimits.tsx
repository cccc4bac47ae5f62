import { describeLimits } from "../lib/queueForm";
import type { QueueSettings } from "../services/queues";

/** A queue's limits and retry policy as short tags; "none" when it has none. */
export function QueueLimits({ settings }: { settings: QueueSettings }) {
  const parts = describeLimits(settings);
  if (parts.length === 0) return <span className="muted small">none</span>;
  return (
    <ul className="limits" aria-label="Limits">
      {parts.map((part) => (
        <li key={part} className="limit">
          {part}
        </li>
      ))}
    </ul>
  );
}
