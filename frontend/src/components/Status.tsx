import type { ReactNode } from "react";
import { errorMessage } from "../services/http";

/** A placeholder that keeps the layout while data loads. */
export function Loading({ label = "Loading…", rows = 6 }: { label?: string; rows?: number }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="sr-only">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton" style={{ width: `${92 - (i % 3) * 14}%` }} />
      ))}
    </div>
  );
}

interface ErrorPanelProps {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}

/** What failed, in the server's words, and a way to try again. */
export function ErrorPanel({ error, title = "Could not load this", onRetry }: ErrorPanelProps) {
  return (
    <div className="panel error-panel" role="alert">
      <h2>{title}</h2>
      <p>{errorMessage(error)}</p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

interface EmptyProps {
  title: string;
  children?: ReactNode;
}

export function Empty({ title, children }: EmptyProps) {
  return (
    <div className="empty">
      <svg viewBox="0 0 24 24" width="32" height="32" aria-hidden="true">
        <path
          d="M4 7h16M4 12h16M4 17h10"
          stroke="currentColor"
          strokeWidth="1.6"
          strokeLinecap="round"
          fill="none"
        />
      </svg>
      <h2>{title}</h2>
      {children && <div className="empty-hint">{children}</div>}
    </div>
  );
}
