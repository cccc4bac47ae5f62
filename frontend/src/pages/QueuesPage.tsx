import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Notice } from "../components/Notice";
import { PageHeader } from "../components/PageHeader";
import { QueueSettingsDialog } from "../components/QueueSettingsDialog";
import { Empty, ErrorPanel, Loading } from "../components/Status";
import { formatDuration, formatNumber, plural } from "../lib/format";
import { statePath } from "../lib/paths";
import { errorMessage } from "../services/http";
import {
  createQueue,
  deleteQueue,
  purgeQueue,
  queueKeys,
  queueListQuery,
  setQueuePaused,
  updateQueue,
  type Queue,
  type QueueSettings,
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

function waiting(queue: Queue): number {
  return queue.counts.enqueued + queue.counts.scheduled + queue.counts.retrying;
}

export default function QueuesPage() {
  const queues = useQuery(queueListQuery());
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  const [asking, setAsking] = useState<Asking>(null);
  const [editing, setEditing] = useState<Queue | null>(null);

  const refresh = () => {
    for (const queryKey of [queueKeys.all, statsKeys.current, jobKeys.lists()]) {
      void queryClient.invalidateQueries({ queryKey });
    }
  };
  const change = useMutation({
    mutationFn: async (work: () => Promise<string>) => work(),
    onSuccess: (message) => {
      setNotice(message);
      setAsking(null);
      setEditing(null);
    },
    onSettled: refresh,
  });

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
  const save = (queue: Queue, settings: QueueSettings) =>
    change.mutate(async () => {
      await updateQueue(queue.name, settings);
      return `Settings of ${queue.name} saved.`;
    });

  return (
    <>
      <PageHeader title="Queues">
        <NewQueueForm
          onCreate={(name) =>
            change.mutate(async () => {
              await createQueue(name);
              return `Queue ${name} created.`;
            })
          }
        />
      </PageHeader>
      {notice && (
        <Notice tone="success" onDismiss={() => setNotice(null)}>
          {notice}
        </Notice>
      )}
      {change.isError && !editing && (
        <Notice tone="error" onDismiss={() => change.reset()}>
          {errorMessage(change.error)}
        </Notice>
      )}
      {queues.isPending && <Loading />}
      {queues.isError && <ErrorPanel error={queues.error} onRetry={() => void queues.refetch()} />}
      {queues.data?.length === 0 && (
        <Empty title="No queues yet">
          A queue appears with its first job, or create one above.
        </Empty>
      )}
      {queues.data && queues.data.length > 0 && (
        <QueueTable
          queues={queues.data}
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
        <QueueSettingsDialog
          queue={editing}
          saving={change.isPending}
          error={change.error}
          onSave={(settings) => save(editing, settings)}
          onClose={() => {
            setEditing(null);
            change.reset();
          }}
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
                {q.paused ? (
                  <span className="badge badge-paused">Paused</span>
                ) : (
                  <span className="badge badge-running">Running</span>
                )}
              </td>
              {SHOWN.map((s) => (
                <td key={s.state} className="num">
                  <Link
                    to={statePath(q.name, s.state)}
                    className={q.counts[s.state] === 0 ? "count zero" : `count count-${s.state}`}
                  >
                    {formatNumber(q.counts[s.state])}
                  </Link>
                </td>
              ))}
              <td className="num">{formatDuration(q.latencySeconds)}</td>
              <td className="muted small">{limits(q)}</td>
              <td className="row-actions">
                <div>
                  <button
                    type="button"
                    className="button"
                    disabled={busy}
                    onClick={() => on.onTogglePause(q)}
                  >
                    {q.paused ? "Resume" : "Pause"}
                  </button>
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

function limits(q: Queue): string {
  const parts: string[] = [];
  const s = q.settings;
  if (s.maxConcurrency !== null) parts.push(`${s.maxConcurrency} at once`);
  if (s.rateLimit !== null) parts.push(`${s.rateLimit}/s`);
  if (s.maxAttempts !== null) parts.push(`${s.maxAttempts} attempts`);
  return parts.length ? parts.join(" · ") : "none";
}

function NewQueueForm({ onCreate }: { onCreate: (name: string) => void }) {
  const [name, setName] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) onCreate(name.trim());
    setName("");
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <input
        className="input"
        aria-label="New queue name"
        placeholder="new-queue"
        value={name}
        maxLength={100}
        onChange={(e) => setName(e.target.value)}
      />
      <button type="submit" className="button" disabled={!name.trim()}>
        Create queue
      </button>
    </form>
  );
}
