import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { NameFilter, NoNameMatch } from "../components/NameFilter";
import { ErrorNotice, SuccessNotice } from "../components/Notice";
import { PageHeader } from "../components/PageHeader";
import { PauseButton, PausedBadge } from "../components/Pausable";
import { QueueLimits } from "../components/QueueLimits";
import { QueuePanel } from "../components/QueuePanel";
import { Empty, ErrorPanel, Loading } from "../components/Status";
import { useChange } from "../hooks/useChange";
import { useNameFilter } from "../hooks/useNameFilter";
import { formatDuration, formatNumber, plural } from "../lib/format";
import { statePath } from "../lib/paths";
import {
  deleteQueue,
  purgeQueue,
  queueKeys,
  queueListQuery,
  setQueuePaused,
  type Queue,
} from "../services/queues";
import type { JobState } from "../services/states";
import { statsKeys } from "../services/stats";
import { jobKeys } from "../services/jobs";

const SHOWN: { state: JobState; label: string }[] = [
  { state: "enqueued", label: "Enqueued" },
  { state: "processing", label: "Busy" },
  { state: "scheduled", label: "Scheduled" },
  { state: "retrying", label: "Retries" },
  { state: "dead", label: "Dead" },
];

type Asking = { kind: "purge" | "delete"; queue: Queue } | null;
/** The queue whose settings are open, or "new" while creating one. */
type Editing = Queue | "new" | null;

function waiting(queue: Queue): number {
  return queue.counts.enqueued + queue.counts.scheduled + queue.counts.retrying;
}

export default function QueuesPage() {
  const queues = useQuery(queueListQuery());
  const [asking, setAsking] = useState<Asking>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const { find, setFind, shown } = useNameFilter(queues.data);
  const { change, notice, setNotice, refresh } = useChange(
    [queueKeys.all, statsKeys.current, jobKeys.lists()],
    () => setAsking(null),
  );

  const togglePause = (q: Queue) =>
    change.mutate(async () => {
      await setQueuePaused(q.name, !q.paused);
      return q.paused ? `${q.name} resumed: workers claim its jobs again.` : `${q.name} paused.`;
    });
  const confirm = ({ kind, queue }: NonNullable<Asking>) =>
    change.mutate(async () => {
      const count = kind === "purge" ? await purgeQueue(queue.name) : await deleteQueue(queue.name);
      const what = kind === "purge" ? "purged" : "deleted";
      return `${queue.name} ${what}: ${plural(count, "job")} deleted.`;
    });
  const saved = (queue: Queue, created: boolean) => {
    setEditing(null);
    setNotice(created ? `Queue ${queue.name} created.` : `Settings of ${queue.name} saved.`);
    refresh();
  };

  return (
    <>
      <PageHeader title="Queues">
        <NameFilter noun="queue" value={find} onChange={setFind} />
        <button type="button" className="button button-primary" onClick={() => setEditing("new")}>
          New queue
        </button>
      </PageHeader>
      <SuccessNotice message={notice} onDismiss={() => setNotice(null)} />
      <ErrorNotice change={change} />
      {queues.isPending && <Loading />}
      {queues.isError && <ErrorPanel error={queues.error} onRetry={() => void queues.refetch()} />}
      {queues.data?.length === 0 && (
        <Empty title="No queues yet">
          A queue appears with its first job, or create one above.
        </Empty>
      )}
      {queues.data && queues.data.length > 0 && shown.length === 0 && (
        <NoNameMatch noun="queue" value={find} onChange={setFind} />
      )}
      {shown.length > 0 && (
        <QueueTable
          queues={shown}
          busy={change.isPending}
          onTogglePause={togglePause}
          onPurge={(queue) => setAsking({ kind: "purge", queue })}
          onDelete={(queue) => setAsking({ kind: "delete", queue })}
          onSettings={setEditing}
        />
      )}
      {asking && (
        <ConfirmDialog
          title={
            asking.kind === "purge"
              ? `Purge ${plural(waiting(asking.queue), "waiting job")} from ${asking.queue.name}?`
              : `Delete queue ${asking.queue.name} and its ${plural(
                  Object.values(asking.queue.counts).reduce((a, b) => a + b, 0),
                  "job",
                )}?`
          }
          confirmLabel={asking.kind === "purge" ? "Purge" : "Delete queue"}
          danger
          busy={change.isPending}
          onConfirm={() => confirm(asking)}
          onCancel={() => setAsking(null)}
        >
          <p>
            {asking.kind === "purge"
              ? "Scheduled, enqueued and retrying jobs are deleted for good. Running and finished jobs stay."
              : "The queue, its settings and every job in it are deleted for good."}
          </p>
        </ConfirmDialog>
      )}
      {editing && (
        <QueuePanel
          queue={editing === "new" ? null : editing}
          onSaved={saved}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}

interface QueueTableProps {
  queues: Queue[];
  busy: boolean;
  onTogglePause: (queue: Queue) => void;
  onPurge: (queue: Queue) => void;
  onDelete: (queue: Queue) => void;
  onSettings: (queue: Queue) => void;
}

function QueueTable({ queues, busy, ...on }: QueueTableProps) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="sr-only">Queues</caption>
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Status</th>
            {SHOWN.map((s) => (
              <th key={s.state} scope="col" className="num">
                {s.label}
              </th>
            ))}
            <th scope="col" className="num" title="How long the oldest enqueued job has waited">
              Latency
            </th>
            <th scope="col">Limits</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {queues.map((q) => (
            <tr key={q.name}>
              <th scope="row">
                <Link to={`/jobs/${encodeURIComponent(q.name)}`} className="queue-name">
                  {q.name}
                </Link>
              </th>
              <td>
                <PausedBadge paused={q.paused} running="Running" />
              </td>
              {SHOWN.map((s) => (
                <td key={s.state} className="num">
                  <Link
                    to={statePath(q.name, s.state)}
                    className={q.counts[s.state] === 0 ? "count zero" : `count count-${s.state}`}
                  >
                    {formatNumber(q.counts[s.state])}
                  </Link>
                  {s.state === "processing" && q.settings.maxConcurrency !== null && (
                    <span className="of-limit" title="Busy now, of the queue's max concurrency">
                      {" "}
                      / {formatNumber(q.settings.maxConcurrency)}
                    </span>
                  )}
                </td>
              ))}
              <td className="num">{formatDuration(q.latencySeconds)}</td>
              <td>
                <QueueLimits settings={q.settings} />
              </td>
              <td className="row-actions">
                <div>
                  <PauseButton paused={q.paused} busy={busy} onToggle={() => on.onTogglePause(q)} />
                  <button
                    type="button"
                    className="button"
                    disabled={busy}
                    onClick={() => on.onSettings(q)}
                  >
                    Settings
                  </button>
                  <button
                    type="button"
                    className="button button-danger-quiet"
                    disabled={busy || waiting(q) === 0}
                    title={waiting(q) === 0 ? "No waiting jobs to purge" : undefined}
                    onClick={() => on.onPurge(q)}
                  >
                    Purge
                  </button>
                  <button
                    type="button"
                    className="button button-danger-quiet"
                    disabled={busy}
                    aria-label={`Delete queue ${q.name}`}
                    onClick={() => on.onDelete(q)}
                  >
                    Delete
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
