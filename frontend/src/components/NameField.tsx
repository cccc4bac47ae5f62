import { NAME_HINT } from "../lib/rules";
import { FormField } from "./FormField";

interface NameFieldProps {
  value: string;
  error?: string | null;
  placeholder?: string;
  onChange: (value: string) => void;
}

/** The name of a new queue or schedule; it comes first in its form, so it takes the focus. */
export function NameField({ value, error, placeholder, onChange }: NameFieldProps) {
  return (
    <FormField label="Name" hint={NAME_HINT} error={error}>
      <input
        className="input"
        value={value}
        maxLength={100}
        autoFocus
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
      />
    </FormField>
  );
}
