import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { NameFilter, NoNameMatch } from "../components/NameFilter";
import { ErrorNotice, SuccessNotice } from "../components/Notice";
import { PageHeader } from "../components/PageHeader";
import { PauseButton, PausedBadge } from "../components/Pausable";
import { RelativeTime } from "../components/RelativeTime";
import { SchedulePanel } from "../components/SchedulePanel";
import { Empty, ErrorPanel, Loading } from "../components/Status";
import { useChange } from "../hooks/useChange";
import { useNameFilter } from "../hooks/useNameFilter";
import { lowerFirst } from "../lib/format";
import { jobPath, statePath } from "../lib/paths";
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
  const [deleting, setDeleting] = useState<Schedule | null>(null);
  const [creating, setCreating] = useState(false);
  const { find, setFind, shown } = useNameFilter(schedules.data);
  const { change, notice, setNotice, refresh } = useChange(
    [scheduleKeys.all, jobKeys.lists(), queueKeys.all, statsKeys.current],
    () => setDeleting(null),
  );

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
        <NameFilter noun="schedule" value={find} onChange={setFind} />
        <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
          New schedule
        </button>
      </PageHeader>
      <SuccessNotice message={notice} onDismiss={() => setNotice(null)} />
      <ErrorNotice change={change} />
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
        <NoNameMatch noun="schedule" value={find} onChange={setFind} />
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
        <PausedBadge paused={s.paused} running="Active" />
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
          <PauseButton paused={s.paused} busy={on.busy} onToggle={() => on.togglePause(s)} />
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
