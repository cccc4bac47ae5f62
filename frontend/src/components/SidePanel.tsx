import { useId, type ReactNode } from "react";
import { Modal } from "./Modal";

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
  const titleId = useId();

  return (
    <Modal className="side-panel" labelledBy={titleId} onCancel={onClose}>
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
    </Modal>
  );
}
