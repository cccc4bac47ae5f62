import { useEffect, useRef, useState, type FormEvent } from "react";
import { errorMessage } from "../services/http";
import type { Queue, QueueSettings } from "../services/queues";

interface QueueSettingsDialogProps {
  queue: Queue;
  saving: boolean;
  error: unknown;
  onSave: (settings: QueueSettings) => void;
  onClose: () => void;
}

const FIELDS: { key: keyof QueueSettings; label: string; hint: string; whole: boolean }[] = [
  {
    key: "maxConcurrency",
    label: "Max concurrency",
    hint: "jobs at once, all workers",
    whole: true,
  },
  { key: "rateLimit", label: "Rate limit", hint: "jobs per second", whole: false },
  { key: "rateBurst", label: "Rate burst", hint: "jobs above the rate at once", whole: true },
  { key: "maxAttempts", label: "Max attempts", hint: "runs before a job is dead", whole: true },
  { key: "minBackoff", label: "Min backoff", hint: "seconds before a retry", whole: false },
  { key: "maxBackoff", label: "Max backoff", hint: "seconds before a retry", whole: false },
  {
    key: "maxRetryDuration",
    label: "Max retry duration",
    hint: "seconds of retrying",
    whole: false,
  },
];

type Draft = Record<keyof QueueSettings, string>;

function toDraft(settings: QueueSettings): Draft {
  const draft = {} as Draft;
  for (const { key } of FIELDS) draft[key] = settings[key] === null ? "" : String(settings[key]);
  return draft;
}

function fromDraft(draft: Draft): QueueSettings {
  const settings = {} as QueueSettings;
  for (const { key } of FIELDS)
    settings[key] = draft[key].trim() === "" ? null : Number(draft[key]);
  return settings;
}

/** A queue's limits and retry policy; an empty field means no limit or the default. */
export function QueueSettingsDialog({
  queue,
  saving,
  error,
  onSave,
  onClose,
}: QueueSettingsDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [draft, setDraft] = useState(() => toDraft(queue.settings));

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave(fromDraft(draft));
  };

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="settings-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={submit}>
        <h2 id="settings-title">Settings of {queue.name}</h2>
        <p className="muted">Leave a field empty for no limit, or for the server's default.</p>
        <div className="settings-grid">
          {FIELDS.map((field) => (
            <label key={field.key} className="field">
              <span>{field.label}</span>
              <input
                className="input"
                type="number"
                min={0}
                step={field.whole ? 1 : "any"}
                value={draft[field.key]}
                onChange={(e) => setDraft({ ...draft, [field.key]: e.target.value })}
              />
              <small className="muted">{field.hint}</small>
            </label>
          ))}
        </div>
        {Boolean(error) && (
          <p className="form-error" role="alert">
            {errorMessage(error)}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="button button-primary" disabled={saving}>
            {saving ? "Saving…" : "Save settings"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
