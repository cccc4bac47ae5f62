import type { ReactNode } from "react";
import { errorMessage } from "../services/http";

interface NoticeProps {
  tone: "success" | "warning" | "error";
  children: ReactNode;
  onDismiss?: () => void;
}

/** The outcome of something the person did, kept on screen until dismissed. */
export function Notice({ tone, children, onDismiss }: NoticeProps) {
  return (
    <div className={`notice notice-${tone}`} role={tone === "error" ? "alert" : "status"}>
      <div className="notice-body">{children}</div>
      {onDismiss && (
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}

/** A success message while there is one; dismissing it clears it. */
export function SuccessNotice({
  message,
  onDismiss,
}: {
  message: ReactNode;
  onDismiss: () => void;
}) {
  if (!message) return null;
  return (
    <Notice tone="success" onDismiss={onDismiss}>
      {message}
    </Notice>
  );
}

interface Failable {
  isError: boolean;
  error: unknown;
  reset: () => void;
}

/** Why a change failed, until dismissed; dismissing resets the change. */
export function ErrorNotice({ change }: { change: Failable }) {
  if (!change.isError) return null;
  return (
    <Notice tone="error" onDismiss={() => change.reset()}>
      {errorMessage(change.error)}
    </Notice>
  );
}
