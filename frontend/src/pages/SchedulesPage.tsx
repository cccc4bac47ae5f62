import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type ReactNode } from "react";
import { Link, useSearchParams } from "react-router";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Notice } from "../components/Notice";
import { PageHeader } from "../components/PageHeader";
import { RelativeTime } from "../components/RelativeTime";
import { SchedulePanel } from "../components/SchedulePanel";
import { Empty, ErrorPanel, Loading } from "../components/Status";
import { lowerFirst } from "../lib/format";
import { jobPath, statePath } from "../lib/paths";
import { errorMessage } from "../services/http";
import { jobKeys } from "../services/jobs";
import { queueKeys } from "../services/queues";
import {
  deleteSchedule,
  scheduleKeys,
  scheduleListQuery,
  setSchedulePaused,
  triggerSchedule,
  type Schedule,
} from "../services/schedules";
import { STATE_LABELS } from "../services/states";
import { statsKeys } from "../services/stats";

/** Recurring jobs: when each runs, in words, what it last enqueued, and what it does next. */
export default function SchedulesPage() {
  const schedules = useQuery(scheduleListQuery());
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [notice, setNotice] = useState<ReactNode>(null);
  const [deleting, setDeleting] = useState<Schedule | null>(null);
  const [creating, setCreating] = useState(false);
  const find = params.get("name") ?? "";

  const shown = useMemo(() => {
    const needle = find.trim().toLowerCase();
    return (schedules.data ?? []).filter((s) => !needle || s.name.toLowerCase().includes(needle));
  }, [schedules.data, find]);

  const setFind = (value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set("name", value);
    else next.delete("name");
    setParams(next, { replace: true });
  };

  const refresh = () => {
    for (const queryKey of [scheduleKeys.all, jobKeys.lists(), queueKeys.all, statsKeys.current]) {
      void queryClient.invalidateQueries({ queryKey });
    }
  };
  const change = useMutation({
    mutationFn: async (work: () => Promise<ReactNode>) => work(),
    onSuccess: (message) => {
      setNotice(message);
      setDeleting(null);
    },
    onSettled: refresh,
  });

  const on: RowActions = {
    busy: change.isPending,
    togglePause: (s) =>
      change.mutate(async () => {
        await setSchedulePaused(s.name, !s.paused);
        return s.paused
          ? `${s.name} resumed.`
          : `${s.name} paused: it enqueues nothing until resumed.`;
      }),
    trigger: (s) =>
      change.mutate(async () => {
        const { job } = await triggerSchedule(s.name);
        return (
          <>
            {s.name} triggered: <Link to={jobPath(job.id)}>job #{job.id}</Link> enqueued on queue{" "}
            {job.queue}.
          </>
        );
      }),
    remove: setDeleting,
  };

  return (
    <>
      <PageHeader title="Schedules">
        <input
          type="search"
          className="input"
          placeholder="Filter by name"
          aria-label="Filter schedules by name"
          value={find}
          maxLength={100}
          onChange={(e) => setFind(e.target.value)}
        />
        <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
          New schedule
        </button>
      </PageHeader>
      {notice && (
        <Notice tone="success" onDismiss={() => setNotice(null)}>
          {notice}
        </Notice>
      )}
      {change.isError && (
        <Notice tone="error" onDismiss={() => change.reset()}>
          {errorMessage(change.error)}
        </Notice>
      )}
      {schedules.isPending && <Loading />}
      {schedules.isError && (
        <ErrorPanel error={schedules.error} onRetry={() => void schedules.refetch()} />
      )}
      {schedules.data?.length === 0 && (
        <Empty title="No schedules yet">
          A schedule enqueues a job each time its cron expression comes round. Create one here, or
          declare one next to a job function with <code>@job(schedule="0 9 * * *")</code>.
        </Empty>
      )}
      {schedules.data && schedules.data.length > 0 && shown.length === 0 && (
        <Empty title={`No schedule name contains “${find}”`}>
          <button type="button" className="button" onClick={() => setFind("")}>
            Clear the filter
          </button>
        </Empty>
      )}
      {shown.length > 0 && <ScheduleTable schedules={shown} on={on} />}

      {deleting && (
        <ConfirmDialog
          title={`Delete schedule ${deleting.name}?`}
          confirmLabel="Delete schedule"
          danger
          busy={change.isPending}
          onConfirm={() =>
            change.mutate(async () => {
              await deleteSchedule(deleting.name);
              return `Schedule ${deleting.name} deleted; the jobs it enqueued stay.`;
            })
          }
          onCancel={() => setDeleting(null)}
        >
          <p>It enqueues no more jobs. The jobs it already enqueued stay.</p>
          {deleting.source === "code" && (
            <p>
              It is declared in code, so it comes back when a worker that declares it starts. Pause
              it instead to stop it for good.
            </p>
          )}
        </ConfirmDialog>
      )}
      {creating && (
        <SchedulePanel
          onClose={() => setCreating(false)}
          onCreated={(s) => {
            setCreating(false);
            setNotice(`Schedule ${s.name} created: ${lowerFirst(s.description)}.`);
            refresh();
          }}
        />
      )}
    </>
  );
}

interface RowActions {
  busy: boolean;
  togglePause: (schedule: Schedule) => void;
  trigger: (schedule: Schedule) => void;
  remove: (schedule: Schedule) => void;
}

function ScheduleTable({ schedules, on }: { schedules: Schedule[]; on: RowActions }) {
  return (
    <div className="table-wrap">
      <table className="table schedules-table">
        <caption className="sr-only">Schedules</caption>
        <thead>
          <tr>
            <th scope="col">Schedule</th>
            <th scope="col">When</th>
            <th scope="col">Status</th>
            <th scope="col">Next run</th>
            <th scope="col">Last run</th>
            <th scope="col">Latest jobs</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {schedules.map((s) => (
            <ScheduleRow key={s.name} schedule={s} on={on} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ScheduleRow({ schedule: s, on }: { schedule: Schedule; on: RowActions }) {
  const newest = s.recentJobs[0];
  const jobsLink = statePath(
    null,
    newest?.state ?? "enqueued",
    `schedule=${encodeURIComponent(s.name)}`,
  );
  return (
    <tr>
      <th scope="row">
        <span className="schedule-name">{s.name}</span>
        {s.source === "code" && (
          <span className="badge" title="Declared in code next to its job function">
            code
          </span>
        )}
        <div className="muted small">
          <span className="mono">{s.kind}</span> on {s.queue}
        </div>
      </th>
      <td>
        <div>{s.description}</div>
        <div className="muted small">
          <code>{s.cron}</code> · {s.timezone}
        </div>
      </td>
      <td>
        {s.paused ? (
          <span className="badge badge-paused">Paused</span>
        ) : (
          <span className="badge badge-running">Active</span>
        )}
      </td>
      <td>
        {s.paused ? <span className="muted">paused</span> : <RelativeTime date={s.nextRunAt} />}
      </td>
      <td>
        <RelativeTime date={s.lastRunAt} empty="never" />
      </td>
      <td>
        <RecentJobs schedule={s} />
        {newest && (
          <Link to={jobsLink} className="small">
            All its jobs
          </Link>
        )}
      </td>
      <td className="row-actions">
        <div>
          <button
            type="button"
            className="button"
            disabled={on.busy}
            onClick={() => on.togglePause(s)}
          >
            {s.paused ? "Resume" : "Pause"}
          </button>
          <button type="button" className="button" disabled={on.busy} onClick={() => on.trigger(s)}>
            Trigger now
          </button>
          <button
            type="button"
            className="button button-danger-quiet"
            disabled={on.busy}
            aria-label={`Delete schedule ${s.name}`}
            onClick={() => on.remove(s)}
          >
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}

function RecentJobs({ schedule }: { schedule: Schedule }) {
  if (schedule.recentJobs.length === 0) return <span className="muted">none yet</span>;
  return (
    <ul className="recent-jobs" aria-label={`Latest jobs of ${schedule.name}`}>
      {schedule.recentJobs.map((job) => (
        <li key={job.id}>
          <Link
            to={jobPath(job.id)}
            className={`badge state-${job.state}`}
            title={STATE_LABELS[job.state]}
            aria-label={`Job ${job.id}, ${STATE_LABELS[job.state]}`}
          >
            #{job.id}
          </Link>
        </li>
      ))}
    </ul>
  );
}
