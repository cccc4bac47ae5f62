import { useNow } from "../hooks/useNow";
import { formatLocal, formatRelative, formatUtc } from "../lib/format";

/** "3 min ago", with the local time and UTC on hover. */
export function RelativeTime({ date, empty = "–" }: { date: Date | null; empty?: string }) {
  // The shared clock ticks every few seconds; a time that just arrived must not look ahead of it.
  const now = Math.max(useNow(), Date.now());
  if (!date) return <span className="muted">{empty}</span>;
  return (
    <time
      dateTime={date.toISOString()}
      title={`${formatLocal(date)}\n${formatUtc(date)}`}
      className="reltime"
    >
      {formatRelative(date, now)}
    </time>
  );
}
