import type { ReactNode } from "react";

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
