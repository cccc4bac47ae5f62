import { Link } from "react-router";
import { jobPath } from "../lib/paths";
import type { BulkResult } from "../services/jobs";
import { Notice } from "./Notice";

const LISTED = 20;

/** What an action changed, and which jobs it skipped and why. */
export function BulkResultNotice({
  result,
  onDismiss,
}: {
  result: BulkResult;
  onDismiss: () => void;
}) {
  const tone = result.skippedCount === 0 ? "success" : result.changed === 0 ? "error" : "warning";
  return (
    <Notice tone={tone} onDismiss={onDismiss}>
      <strong>{result.summary}</strong>
      {result.skipped.length > 0 && (
        <details className="skipped">
          <summary>Skipped jobs</summary>
          <ul>
            {result.skipped.slice(0, LISTED).map((s) => (
              <li key={s.id}>
                <Link to={jobPath(s.id)}>#{s.id}</Link>: {s.reason}
              </li>
            ))}
            {result.skippedCount > LISTED && <li>and {result.skippedCount - LISTED} more</li>}
          </ul>
        </details>
      )}
    </Notice>
  );
}
