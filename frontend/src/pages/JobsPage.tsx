import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Link } from "react-router";
import { NewJobButton } from "../components/NewJobButton";
import { PageHeader } from "../components/PageHeader";
import { Empty, ErrorPanel, Loading } from "../components/Status";
import { formatNumber } from "../lib/format";
import { ALL_QUEUES, statePath } from "../lib/paths";
import { STATE_LABELS, STATES, type StateCounts } from "../services/states";
import { statsQuery } from "../services/stats";

/** Every queue with its jobs counted per state; each count opens that list. */
export default function JobsPage() {
  const stats = useQuery(statsQuery());
  const [find, setFind] = useState("");

  const rows = useMemo(() => {
    const queues = Object.entries(stats.data?.queues ?? {});
    const needle = find.trim().toLowerCase();
    return queues
      .filter(([name]) => !needle || name.toLowerCase().includes(needle))
      .sort(([a], [b]) => a.localeCompare(b));
  }, [stats.data, find]);

  const queueCount = Object.keys(stats.data?.queues ?? {}).length;

  return (
    <>
      <PageHeader title="Jobs">
        {queueCount > 8 && (
          <input
            type="search"
            className="input"
            placeholder="Find a queue"
            aria-label="Find a queue"
            value={find}
            onChange={(e) => setFind(e.target.value)}
          />
        )}
        <NewJobButton />
      </PageHeader>
      {stats.isPending && <Loading />}
      {stats.isError && !stats.data && (
        <ErrorPanel error={stats.error} onRetry={() => void stats.refetch()} />
      )}
      {stats.data && queueCount === 0 && (
        <Empty title="No jobs yet">
          Jobs appear here as soon as a producer enqueues one, for example with{" "}
          <code>roost enqueue KIND --args '{"{}"}'</code>.
        </Empty>
      )}
      {stats.data && queueCount > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">Jobs per queue and state</caption>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                {STATES.map((state) => (
                  <th key={state} scope="col" className="num">
                    {STATE_LABELS[state]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <QueueRow name={null} counts={stats.data.counts} />
              {rows.map(([name, counts]) => (
                <QueueRow key={name} name={name} counts={counts} />
              ))}
            </tbody>
          </table>
          {rows.length === 0 && <p className="table-note muted">No queue matches “{find}”.</p>}
        </div>
      )}
    </>
  );
}

function QueueRow({ name, counts }: { name: string | null; counts: StateCounts }) {
  return (
    <tr className={name === null ? "row-total" : undefined}>
      <th scope="row">
        <Link
          to={`/jobs/${name === null ? ALL_QUEUES : encodeURIComponent(name)}`}
          className="queue-name"
        >
          {name ?? "All queues"}
        </Link>
      </th>
      {STATES.map((state) => (
        <td key={state} className="num">
          <Link
            to={statePath(name, state)}
            className={counts[state] === 0 ? "count zero" : `count count-${state}`}
            aria-label={`${name ?? "All queues"}: ${formatNumber(counts[state])} ${STATE_LABELS[state]}`}
          >
            {formatNumber(counts[state])}
          </Link>
        </td>
      ))}
    </tr>
  );
}
