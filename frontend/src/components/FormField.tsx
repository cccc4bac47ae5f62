import { cloneElement, useId, type ReactElement, type ReactNode } from "react";

interface FormFieldProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  /** The one input, select or textarea; it gets the field's id and its error wiring. */
  children: ReactElement<Record<string, unknown>>;
  /** Controls beside the main one, such as a unit. */
  beside?: ReactNode;
  className?: string;
}

/** A labelled control with its hint and, when it is wrong, the problem read out with it. */
export function FormField(props: FormFieldProps) {
  const { label, hint, error, children, beside, className } = props;
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const described = [hint ? hintId : "", error ? errorId : ""].filter(Boolean).join(" ");
  const control = cloneElement(children, {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": described || undefined,
  });

  return (
    <div className={`form-field${error ? " has-error" : ""}${className ? ` ${className}` : ""}`}>
      <label htmlFor={id}>{label}</label>
      {beside ? (
        <div className="inline-inputs">
          {control}
          {beside}
        </div>
      ) : (
        control
      )}
      {hint && (
        <small id={hintId} className="muted">
          {hint}
        </small>
      )}
      {error && (
        <small id={errorId} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
}
