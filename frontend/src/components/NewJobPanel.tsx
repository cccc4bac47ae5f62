import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { useDraft } from "../hooks/useDraft";
import {
  checkJobDraft,
  DELAY_UNITS,
  EMPTY_JOB,
  type DelayUnit,
  type JobDraft,
  type JobErrors,
  type When,
} from "../lib/jobForm";
import { placeServerErrors } from "../lib/serverErrors";
import { createJob, type JobDetail } from "../services/jobs";
import { FormField } from "./FormField";
import { JobFields } from "./JobFields";
import { PanelFooter } from "./PanelFooter";
import { SidePanel } from "./SidePanel";

interface NewJobPanelProps {
  /** The queue to offer first, such as the one whose list is open. */
  queue?: string;
  onCreated: (job: JobDetail) => void;
  onClose: () => void;
}

const WHEN_LABELS: Record<When, string> = {
  now: "Run now",
  at: "At a time",
  delay: "After a delay",
};

const WIRE_FIELDS = {
  kind: "kind",
  queue: "queue",
  args: "args",
  priority: "priority",
  run_at: "at",
  delay: "delay",
} as const;

function problemsOf(draft: JobDraft): JobErrors {
  const check = checkJobDraft(draft);
  return check.ok ? {} : check.errors;
}

/** Enqueue one job by hand: kind, queue, JSON args checked before sending, and when. */
export function NewJobPanel({ queue, onCreated, onClose }: NewJobPanelProps) {
  const form = useDraft<JobDraft, JobErrors>({ ...EMPTY_JOB, queue: queue ?? "" }, problemsOf);
  const { draft, errors, edit } = form;

  const create = useMutation({
    mutationFn: createJob,
    onSuccess: onCreated,
    onError: (error) => form.setErrors(placeServerErrors(error, WIRE_FIELDS)),
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.reset();
    const check = checkJobDraft(draft);
    if (form.attempt(event.currentTarget) && check.ok) create.mutate(check.job);
  };

  return (
    <SidePanel
      title="New job"
      description="Enqueue one job by hand. The server checks it again before storing it."
      onClose={onClose}
    >
      <form className="side-panel-form" noValidate onSubmit={submit}>
        <div className="side-panel-body">
          <JobFields
            draft={draft}
            errors={errors}
            onChange={edit}
            onArgsError={(args) => form.setErrors({ ...errors, args })}
            autoFocus
          />
          <WhenFields draft={draft} errors={errors} onChange={edit} />
        </div>
        <PanelFooter
          problems={Object.keys(errors).length}
          error={create.error}
          busy={create.isPending}
          submitLabel="Enqueue job"
          busyLabel="Enqueueing…"
          onCancel={onClose}
        />
      </form>
    </SidePanel>
  );
}

interface WhenFieldsProps {
  draft: JobDraft;
  errors: JobErrors;
  onChange: (change: Partial<JobDraft>) => void;
}

function WhenFields({ draft, errors, onChange }: WhenFieldsProps) {
  return (
    <>
      <fieldset className="choices">
        <legend>When</legend>
        {(Object.keys(WHEN_LABELS) as When[]).map((when) => (
          <label key={when}>
            <input
              type="radio"
              name="when"
              value={when}
              checked={draft.when === when}
              onChange={() => onChange({ when })}
            />
            {WHEN_LABELS[when]}
          </label>
        ))}
      </fieldset>
      {draft.when === "at" && (
        <FormField label="Run at" hint="In your time zone." error={errors.at}>
          <input
            className="input"
            type="datetime-local"
            step={1}
            value={draft.at}
            onChange={(e) => onChange({ at: e.target.value })}
          />
        </FormField>
      )}
      {draft.when === "delay" && (
        <FormField
          label="Delay"
          error={errors.delay}
          beside={
            <select
              className="input"
              aria-label="Delay unit"
              value={draft.delayUnit}
              onChange={(e) => onChange({ delayUnit: e.target.value as DelayUnit })}
            >
              {(Object.keys(DELAY_UNITS) as DelayUnit[]).map((unit) => (
                <option key={unit} value={unit}>
                  {unit}
                </option>
              ))}
            </select>
          }
        >
          <input
            className="input"
            inputMode="decimal"
            placeholder="10"
            value={draft.delay}
            onChange={(e) => onChange({ delay: e.target.value })}
          />
        </FormField>
      )}
    </>
  );
}
