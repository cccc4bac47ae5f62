import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { parseArgs, type BasicsErrors, type JobBasics } from "../lib/jobForm";
import { kindHint, kindListQuery } from "../services/kinds";
import { queueListQuery } from "../services/queues";
import { FormField } from "./FormField";

interface JobFieldsProps {
  draft: JobBasics;
  errors: BasicsErrors;
  onChange: (change: Partial<JobBasics>) => void;
  onArgsError: (problem: string) => void;
  autoFocus?: boolean;
}

/** Kind, queue, JSON args and priority: what a job is made of, in any form that makes jobs. */
export function JobFields(props: JobFieldsProps) {
  const { draft, errors, onChange, onArgsError } = props;
  const kinds = useQuery(kindListQuery());
  const queues = useQuery(queueListQuery());
  const kindList = useId();
  const queueList = useId();

  const formatArgs = () => {
    const parsed = parseArgs(draft.args);
    if (parsed.error === null) onChange({ args: JSON.stringify(parsed.value, null, 2) });
    else onArgsError(parsed.error);
  };

  return (
    <>
      <FormField label="Kind" hint={kindHint(kinds.data, draft.kind)} error={errors.kind}>
        <input
          className="input mono"
          list={kindList}
          value={draft.kind}
          autoFocus={props.autoFocus}
          autoComplete="off"
          spellCheck={false}
          placeholder="send_email"
          onChange={(e) => onChange({ kind: e.target.value })}
        />
      </FormField>
      <datalist id={kindList}>
        {kinds.data?.map((k) => (
          <option key={k.kind} value={k.kind}>
            {k.builtin ? "built in" : `${k.workers} live`}
          </option>
        ))}
      </datalist>

      <FormField label="Queue" hint="Empty: the kind's default queue." error={errors.queue}>
        <input
          className="input"
          list={queueList}
          value={draft.queue}
          autoComplete="off"
          spellCheck={false}
          placeholder="the kind's default"
          onChange={(e) => onChange({ queue: e.target.value })}
        />
      </FormField>
      <datalist id={queueList}>
        {queues.data?.map((q) => (
          <option key={q.name} value={q.name} />
        ))}
      </datalist>

      <FormField
        label="Args (JSON)"
        hint={
          <>
            An object of keyword arguments, or an array.{" "}
            <button type="button" className="link-button" onClick={formatArgs}>
              Format
            </button>
          </>
        }
        error={errors.args}
      >
        <textarea
          className="input textarea"
          value={draft.args}
          rows={8}
          spellCheck={false}
          onChange={(e) => onChange({ args: e.target.value })}
        />
      </FormField>

      <FormField
        label="Priority"
        hint="Higher runs first; empty is the kind's default."
        error={errors.priority}
      >
        <input
          className="input"
          inputMode="numeric"
          placeholder="0"
          value={draft.priority}
          onChange={(e) => onChange({ priority: e.target.value })}
        />
      </FormField>
    </>
  );
}
