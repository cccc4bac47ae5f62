import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { useDraft } from "../hooks/useDraft";
import {
  checkQueueDraft,
  SETTING_FIELDS,
  SETTING_GROUPS,
  toDraft,
  type QueueDraft,
  type QueueErrors,
  type SettingKey,
} from "../lib/queueForm";
import { placeServerErrors } from "../lib/serverErrors";
import { createQueue, updateQueue, type Queue, type QueueSettings } from "../services/queues";
import { FormField } from "./FormField";
import { NameField } from "./NameField";
import { PanelFooter } from "./PanelFooter";
import { SidePanel } from "./SidePanel";

interface QueuePanelProps {
  /** The queue to edit, or null to create one. */
  queue: Queue | null;
  onSaved: (queue: Queue, created: boolean) => void;
  onClose: () => void;
}

const WIRE_FIELDS: Record<string, SettingKey | "name"> = Object.fromEntries([
  ["name", "name"],
  ...SETTING_FIELDS.map((f) => [f.wire, f.key]),
]);

/** Create a queue, or change one's limits and retry policy, checked before sending. */
export function QueuePanel({ queue, onSaved, onClose }: QueuePanelProps) {
  const creating = queue === null;
  const problemsOf = (draft: QueueDraft): QueueErrors => {
    const check = checkQueueDraft(draft, creating);
    return check.ok ? {} : check.errors;
  };
  const form = useDraft(toDraft(queue?.name ?? "", queue?.settings ?? null), problemsOf);
  const { draft, errors, edit } = form;

  const save = useMutation({
    mutationFn: ({ name, settings }: { name: string; settings: QueueSettings }) =>
      creating ? createQueue(name, settings) : updateQueue(name, settings),
    onSuccess: (saved) => onSaved(saved, creating),
    onError: (error) => form.setErrors(placeServerErrors(error, WIRE_FIELDS)),
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.reset();
    const check = checkQueueDraft(draft, creating);
    if (!form.attempt(event.currentTarget) || !check.ok) return;
    save.mutate({ name: creating ? check.name : queue.name, settings: check.settings });
  };

  const setSetting = (key: SettingKey, value: string) =>
    edit({ settings: { ...draft.settings, [key]: value } });

  return (
    <SidePanel
      title={creating ? "New queue" : `Settings of ${queue.name}`}
      description="Empty fields mean no limit, or the server's default."
      onClose={onClose}
    >
      <form className="side-panel-form" noValidate onSubmit={submit}>
        <div className="side-panel-body">
          {creating && (
            <NameField value={draft.name} error={errors.name} onChange={(name) => edit({ name })} />
          )}
          {SETTING_GROUPS.map((group) => (
            <fieldset key={group.title} className="form-group">
              <legend>{group.title}</legend>
              {group.fields.map((field) => (
                <FormField
                  key={field.key}
                  label={field.label}
                  hint={field.hint}
                  error={errors[field.key]}
                  beside={
                    <span className="unit" aria-hidden="true">
                      {field.unit}
                    </span>
                  }
                >
                  <input
                    className="input"
                    inputMode={field.rule.whole ? "numeric" : "decimal"}
                    placeholder={field.empty}
                    value={draft.settings[field.key]}
                    onChange={(e) => setSetting(field.key, e.target.value)}
                  />
                </FormField>
              ))}
            </fieldset>
          ))}
        </div>
        <PanelFooter
          problems={Object.keys(errors).length}
          error={save.error}
          busy={save.isPending}
          submitLabel={creating ? "Create queue" : "Save settings"}
          busyLabel="Saving…"
          onCancel={onClose}
        />
      </form>
    </SidePanel>
  );
}
