import { useMutation } from "@tanstack/react-query";
import { useId, useMemo, type FormEvent } from "react";
import { useDraft } from "../hooks/useDraft";
import {
  checkScheduleDraft,
  CRON_HINT,
  emptySchedule,
  knownZones,
  type ScheduleDraft,
  type ScheduleErrors,
} from "../lib/scheduleForm";
import { placeServerErrors } from "../lib/serverErrors";
import { createSchedule, type Schedule } from "../services/schedules";
import { FormField } from "./FormField";
import { JobFields } from "./JobFields";
import { NameField } from "./NameField";
import { PanelFooter } from "./PanelFooter";
import { SidePanel } from "./SidePanel";

interface SchedulePanelProps {
  onCreated: (schedule: Schedule) => void;
  onClose: () => void;
}

type ScheduleField = keyof ScheduleErrors;

const WIRE_FIELDS: Record<string, ScheduleField> = {
  name: "name",
  cron: "cron",
  timezone: "timezone",
  kind: "kind",
  queue: "queue",
  args: "args",
  priority: "priority",
};

function problemsOf(draft: ScheduleDraft): ScheduleErrors {
  const check = checkScheduleDraft(draft);
  return check.ok ? {} : check.errors;
}

/** A new recurring job: its name, a cron expression in a time zone, and the job to enqueue. */
export function SchedulePanel({ onCreated, onClose }: SchedulePanelProps) {
  const form = useDraft<ScheduleDraft, ScheduleErrors>(emptySchedule(), problemsOf);
  const { draft, errors, edit } = form;
  const zones = useMemo(knownZones, []);
  const zoneList = useId();

  const create = useMutation({
    mutationFn: createSchedule,
    onSuccess: onCreated,
    onError: (error) => form.setErrors(placeServerErrors(error, WIRE_FIELDS)),
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.reset();
    const check = checkScheduleDraft(draft);
    if (form.attempt(event.currentTarget) && check.ok) create.mutate(check.schedule);
  };

  return (
    <SidePanel
      title="New schedule"
      description="Workers enqueue this job each time the expression comes round."
      onClose={onClose}
    >
      <form className="side-panel-form" noValidate onSubmit={submit}>
        <div className="side-panel-body">
          <NameField
            value={draft.name}
            error={errors.name}
            placeholder="nightly-report"
            onChange={(name) => edit({ name })}
          />
          <FormField label="Cron expression" hint={CRON_HINT} error={errors.cron}>
            <input
              className="input mono"
              value={draft.cron}
              maxLength={100}
              autoComplete="off"
              spellCheck={false}
              placeholder="0 9 * * 1-5"
              onChange={(e) => edit({ cron: e.target.value })}
            />
          </FormField>
          <FormField
            label="Time zone"
            hint="The expression is read in this zone, daylight saving included."
            error={errors.timezone}
          >
            <input
              className="input"
              list={zoneList}
              value={draft.timezone}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => edit({ timezone: e.target.value })}
            />
          </FormField>
          <datalist id={zoneList}>
            {[...new Set(["UTC", ...zones])].map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
          <fieldset className="form-group">
            <legend>Job</legend>
            <JobFields
              draft={draft}
              errors={errors}
              onChange={edit}
              onArgsError={(args) => form.setErrors({ ...errors, args })}
            />
          </fieldset>
        </div>
        <PanelFooter
          problems={Object.keys(errors).length}
          error={create.error}
          busy={create.isPending}
          submitLabel="Create schedule"
          busyLabel="Creating…"
          onCancel={onClose}
        />
      </form>
    </SidePanel>
  );
}
