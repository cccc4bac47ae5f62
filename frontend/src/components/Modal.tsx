import { useEffect, useRef, type ReactNode } from "react";

interface ModalProps {
  className: string;
  /** The id of the element that names the dialog. */
  labelledBy: string;
  onCancel: () => void;
  children: ReactNode;
}

/**
 * A native modal dialog, open while mounted: focus stays inside, and Escape calls `onCancel`
 * instead of closing it, so the owner decides when it goes.
 */
export function Modal({ className, labelledBy, onCancel, children }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      className={className}
      aria-labelledby={labelledBy}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      {children}
    </dialog>
  );
}
