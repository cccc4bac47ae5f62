import { useEffect, useId, useRef, type ReactNode } from "react";

interface SidePanelProps {
  title: ReactNode;
  /** A line under the title saying what the panel does. */
  description?: ReactNode;
  onClose: () => void;
  children: ReactNode;
}

/**
 * A modal panel along the right edge, for forms that need more room than a dialog. It is a
 * native modal dialog, so focus stays inside and Escape closes it.
 */
export function SidePanel({ title, description, onClose, children }: SidePanelProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      className="side-panel"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <header className="side-panel-head">
        <div>
          <h2 id={titleId}>{title}</h2>
          {description && <p className="muted small">{description}</p>}
        </div>
        <button type="button" className="icon-button" aria-label="Close panel" onClick={onClose}>
          ×
        </button>
      </header>
      {children}
    </dialog>
  );
}
