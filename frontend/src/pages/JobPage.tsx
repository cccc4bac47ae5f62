import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { BulkResultNotice } from "../components/BulkResultNotice";
import { createdNotice } from "../components/NewJobButton";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { JsonView } from "../components/JsonView";
import { ErrorNotice, Notice, SuccessNotice } from "../components/Notice";
import { PageHeader } from "../components/PageHeader";
import { RelativeTime } from "../components/RelativeTime";
import { StateBadge } from "../components/StateBadge";
import { Empty, ErrorPanel, Loading } from "../components/Status";
import { formatDuration, lowerFirst } from "../lib/format";
import { jobPath, statePath } from "../lib/paths";
import { useRefresh } from "../hooks/useRefresh";
import { ApiError } from "../services/http";
import {
  ACTION_LABELS,
  actOnJob,
  DESTRUCTIVE,
  duplicateJob,
  jobKeys,
  jobQuery,
  type Attempt,
  type BulkResult,
  type JobAction,
  type JobDetail,
} from "../services/jobs";
import { queueKeys } from "../services/queues";
import { STATE_LABELS } from "../services/states";
import { statsKeys } from "../services/stats";

export default function JobPage() {
  const id = Number(useParams().id);
  const job = useQuery({ ...jobQuery(id), enabled: Number.isSafeInteger(id) && id > 0 });

  if (!Number.isSafeInteger(id) || id <= 0) return <Missing text="That is not a job id." />;
  if (job.isPending) return <Loading rows={8} />;
  if (job.isError) {
    if (job.error instanceof ApiError && job.error.status === 404) {
      return <Missing text={`Job ${id} does not exist. It may have been deleted.`} />;
    }
    return <ErrorPanel error={job.error} onRetry={() => void job.refetch()} />;
  }
  return <JobView key={id} job={job.data} />;
}

function Missing({ text }: { text: string }) {
  return (
    <Empty title="No such job">
      {text} <Link to="/jobs">Back to jobs</Link>
    </Empty>
  );
}

function JobView({ job }: { job: JobDetail }) {
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<JobAction | null>(null);
  const [result, setResult] = useState<BulkResult | null>(null);
  const arrived = location.state as { from?: string; notice?: string } | null;
  const [notice, setNotice] = useState(arrived?.notice ?? null);
  const from = arrived?.from;
  const listPath = statePath(job.queue, job.state);

  const refresh = useRefresh([jobKeys.lists(), queueKeys.all, statsKeys.current]);

  const action = useMutation({
    mutationFn: (which: JobAction) => actOnJob(job.id, which),
    onSuccess: (outcome, which) => {
      setResult(outcome.result);
      if (which === "delete") {
        const notice = outcome.result.summary;
        navigate(from ?? listPath, { replace: true, state: { notice } });
      } else if (outcome.job) {
        queryClient.setQueryData(jobKeys.detail(job.id), outcome.job);
      }
    },
    onSettled: () => {
      setPending(null);
      refresh();
    },
  });

  const duplicate = useMutation({
    mutationFn: () => duplicateJob(job.id),
    onSuccess: (copy) => {
      queryClient.setQueryData(jobKeys.detail(copy.id), copy);
      refresh();
      const notice = `Duplicate of #${job.id}: ${lowerFirst(createdNotice(copy))}`;
      navigate(jobPath(copy.id), { state: { notice } });
    },
  });
  const busy = action.isPending || duplicate.isPending;

  const ask = (which: JobAction) =>
    DESTRUCTIVE.has(which) ? setPending(which) : action.mutate(which);

  return (
    <>
      <PageHeader
        crumbs={[
          { label: "Jobs", to: "/jobs" },
          { label: job.queue, to: `/jobs/${encodeURIComponent(job.queue)}` },
          { label: STATE_LABELS[job.state], to: from ?? listPath },
          { label: `#${job.id}` },
        ]}
        title={
          <>
            <span className="mono">#{job.id}</span> {job.kind} <StateBadge state={job.state} />
          </>
        }
      >
        {job.actions.length === 0 && <span className="muted">No action fits this state</span>}
        {job.actions.map((which) => (
          <button
            key={which}
            type="button"
            className={
              DESTRUCTIVE.has(which) ? "button button-danger-quiet" : "button button-primary"
            }
            disabled={busy}
            onClick={() => ask(which)}
          >
            {ACTION_LABELS[which]}
          </button>
        ))}
        <button
          type="button"
          className="button"
          disabled={busy}
          title="Enqueue a copy of this job: same kind, args, queue and priority"
          onClick={() => duplicate.mutate()}
        >
          {duplicate.isPending ? "Duplicating…" : "Duplicate"}
        </button>
      </PageHeader>

      <SuccessNotice message={notice} onDismiss={() => setNotice(null)} />
      <ErrorNotice change={duplicate} />
      {result && <BulkResultNotice result={result} onDismiss={() => setResult(null)} />}
      <ErrorNotice change={action} />
      {job.cancelRequested && job.state === "processing" && (
        <Notice tone="warning">
          Cancel requested: the worker stops this job at its next heartbeat.
        </Notice>
      )}

      <div className="detail-grid">
        <section className="panel" aria-labelledby="summary-title">
          <h2 id="summary-title">Summary</h2>
          <Summary job={job} />
        </section>
        <section className="panel" aria-labelledby="args-title">
          <h2 id="args-title">Args</h2>
          <JsonView value={job.args} label={`Args of job ${job.id}`} />
        </section>
      </div>

      <section className="panel" aria-labelledby="attempts-title">
        <h2 id="attempts-title">Attempts</h2>
        <Attempts job={job} />
      </section>

      {pending && (
        <ConfirmDialog
          title={`${ACTION_LABELS[pending]} job ${job.id}?`}
          confirmLabel={`${ACTION_LABELS[pending]} job`}
          danger
          busy={action.isPending}
          onConfirm={() => action.mutate(pending)}
          onCancel={() => setPending(null)}
        >
          <p>
            {pending === "delete"
              ? "It is removed from the store for good, with its attempts. This cannot be undone."
              : pending === "kill"
                ? "It moves to Dead and will not run again unless someone retries it."
                : "If it waits, it will not run; if it runs, its worker is asked to stop it."}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

function Summary({ job }: { job: JobDetail }) {
  const ran =
    job.startedAt && job.finishedAt
      ? (job.finishedAt.getTime() - job.startedAt.getTime()) / 1000
      : null;
  return (
    <dl className="facts">
      <dt>State</dt>
      <dd>
        <StateBadge state={job.state} />
      </dd>
      <dt>Queue</dt>
      <dd>
        <Link to={`/jobs/${encodeURIComponent(job.queue)}`}>{job.queue}</Link>
      </dd>
      <dt>Kind</dt>
      <dd className="mono">{job.kind}</dd>
      {job.schedule && (
        <>
          <dt>Schedule</dt>
          <dd>
            <Link to={`/schedules?name=${encodeURIComponent(job.schedule)}`}>{job.schedule}</Link>
          </dd>
        </>
      )}
      <dt>Priority</dt>
      <dd>{job.priority}</dd>
      <dt>Attempts</dt>
      <dd>
        {job.attempt}
        {job.maxAttempts !== null && ` of ${job.maxAttempts}`}
      </dd>
      <dt>Timeout</dt>
      <dd>{job.timeout === null ? "none" : formatDuration(job.timeout)}</dd>
      <dt>Worker</dt>
      <dd className="mono">{job.workerId ?? <span className="muted">–</span>}</dd>
      <dt>Created</dt>
      <dd>
        <RelativeTime date={job.createdAt} />
      </dd>
      <dt>{job.state === "scheduled" || job.state === "retrying" ? "Runs" : "Run at"}</dt>
      <dd>
        <RelativeTime date={job.runAt} />
      </dd>
      <dt>Started</dt>
      <dd>
        <RelativeTime date={job.startedAt} empty="not yet" />
      </dd>
      <dt>Finished</dt>
      <dd>
        <RelativeTime date={job.finishedAt} empty="not yet" />
        {ran !== null && <span className="muted"> · ran {formatDuration(ran)}</span>}
      </dd>
    </dl>
  );
}

function Attempts({ job }: { job: JobDetail }) {
  if (job.attempts.length === 0) {
    return (
      <p className="muted">
        {job.attempt === 0 ? "Not run yet." : "No failed attempt: every run so far went well."}
      </p>
    );
  }
  const newestFirst = [...job.attempts].sort((a, b) => b.attempt - a.attempt);
  return (
    <ol className="attempts">
      {newestFirst.map((attempt, i) => (
        <AttemptItem key={`${attempt.attempt}-${i}`} attempt={attempt} open={i === 0} />
      ))}
    </ol>
  );
}

function AttemptItem({ attempt, open }: { attempt: Attempt; open: boolean }) {
  const ran =
    attempt.startedAt && attempt.finishedAt
      ? (attempt.finishedAt.getTime() - attempt.startedAt.getTime()) / 1000
      : null;
  return (
    <li className="attempt">
      <div className="attempt-head">
        <strong>Attempt {attempt.attempt}</strong>
        <span className={`badge outcome-${attempt.outcome}`}>{attempt.outcome}</span>
        <span className="muted">
          started <RelativeTime date={attempt.startedAt} />
          {ran !== null && ` · ran ${formatDuration(ran)}`}
          {attempt.workerId && (
            <>
              {" "}
              · worker <span className="mono">{attempt.workerId}</span>
            </>
          )}
        </span>
      </div>
      {(attempt.errorClass || attempt.errorMessage) && (
        <p className="attempt-error">
          <span className="error-class">{attempt.errorClass ?? "Error"}</span>
          {attempt.errorMessage && <>: {attempt.errorMessage}</>}
        </p>
      )}
      {attempt.traceback && (
        <details open={open}>
          <summary>Traceback</summary>
          <pre className="code traceback" tabIndex={0}>
            {attempt.traceback}
          </pre>
        </details>
      )}
    </li>
  );
}
