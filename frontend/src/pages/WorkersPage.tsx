import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { PageHeader } from "../components/PageHeader";
import { RelativeTime } from "../components/RelativeTime";
import { Empty, ErrorPanel, Loading } from "../components/Status";
import { useNow } from "../hooks/useNow";
import { plural } from "../lib/format";
import { jobPath } from "../lib/paths";
import { workerListQuery, type Worker } from "../services/workers";

/** A heartbeat older than this marks a worker as possibly gone. */
const STALE_SECONDS = 30;

export default function WorkersPage() {
  const workers = useQuery(workerListQuery());
  const busy = workers.data?.reduce((n, w) => n + w.busy, 0) ?? 0;
  const slots = workers.data?.reduce((n, w) => n + w.slots, 0) ?? 0;

  return (
    <>
      <PageHeader title="Workers">
        {workers.data && workers.data.length > 0 && (
          <p className="muted">
            {plural(workers.data.length, "worker")} · {busy} of {plural(slots, "slot")} busy
          </p>
        )}
      </PageHeader>
      {workers.isPending && <Loading />}
      {workers.isError && (
        <ErrorPanel error={workers.error} onRetry={() => void workers.refetch()} />
      )}
      {workers.data?.length === 0 && (
        <Empty title="No worker is running">
          Start one with <code>roost worker --import your.jobs.module</code>; it shows up here
          within a heartbeat.
        </Empty>
      )}
      {workers.data && workers.data.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">Workers</caption>
            <thead>
              <tr>
                <th scope="col">Worker</th>
                <th scope="col">Host</th>
                <th scope="col" className="num">
                  PID
                </th>
                <th scope="col">Queues</th>
                <th scope="col">Slots busy</th>
                <th scope="col">Running now</th>
                <th scope="col">Started</th>
                <th scope="col">Last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {workers.data.map((w) => (
                <WorkerRow key={w.id} worker={w} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function WorkerRow({ worker: w }: { worker: Worker }) {
  const now = useNow();
  const stale = w.heartbeatAt !== null && now - w.heartbeatAt.getTime() > STALE_SECONDS * 1000;
  return (
    <tr>
      <td className="mono">{w.id}</td>
      <td>{w.host}</td>
      <td className="num mono">{w.pid}</td>
      <td>{w.queues ? w.queues.join(", ") : <span className="muted">every queue</span>}</td>
      <td>
        <div className="slots" title={`${w.busy} of ${w.slots} slots busy`}>
          <div className="slots-bar">
            <div style={{ width: `${w.slots ? (100 * w.busy) / w.slots : 0}%` }} />
          </div>
          <span className="num">
            {w.busy} / {w.slots}
          </span>
        </div>
      </td>
      <td>
        {w.jobs.length === 0 ? (
          <span className="muted">idle</span>
        ) : (
          <ul className="running">
            {w.jobs.map((job) => (
              <li key={job.id}>
                <Link to={jobPath(job.id)} className="mono">
                  #{job.id}
                </Link>{" "}
                {job.kind} <span className="muted">on {job.queue}</span>{" "}
                <RelativeTime date={job.startedAt} />
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>
        <RelativeTime date={w.startedAt} />
      </td>
      <td className={stale ? "stale-heartbeat" : undefined}>
        <RelativeTime date={w.heartbeatAt} />
        {stale && " (late)"}
      </td>
    </tr>
  );
}
