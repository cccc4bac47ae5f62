import { Link } from "react-router";
import { jobPath } from "../lib/paths";
import type { JobSummary } from "../services/jobs";
import type { JobState } from "../services/states";
import { RelativeTime } from "./RelativeTime";
import { StateBadge } from "./StateBadge";

interface TimeColumn {
  label: string;
  value: (job: JobSummary) => Date | null;
}

const CREATED: TimeColumn = { label: "Created", value: (j) => j.createdAt };
const RUN_AT: TimeColumn = { label: "Run at", value: (j) => j.runAt };
const STARTED: TimeColumn = { label: "Started", value: (j) => j.startedAt };
const FINISHED: TimeColumn = { label: "Finished", value: (j) => j.finishedAt };

// The times that matter most in each state come first.
const TIME_COLUMNS: Record<JobState, TimeColumn[]> = {
  scheduled: [{ label: "Scheduled for", value: (j) => j.runAt }, CREATED],
  enqueued: [CREATED, RUN_AT],
  processing: [STARTED, CREATED],
  retrying: [{ label: "Next retry", value: (j) => j.runAt }, CREATED],
  succeeded: [FINISHED, CREATED],
  dead: [{ label: "Died", value: (j) => j.finishedAt }, CREATED],
  cancelled: [FINISHED, CREATED],
};

const SHOWS_ERROR: ReadonlySet<JobState> = new Set(["retrying", "dead"]);

interface JobTableProps {
  jobs: JobSummary[];
  state: JobState;
  showQueue: boolean;
  selected: ReadonlySet<number>;
  allSelected: boolean;
  onToggle: (id: number) => void;
  onTogglePage: () => void;
  linkState?: unknown;
}

/** One page of jobs with a checkbox per row. */
export function JobTable(props: JobTableProps) {
  const { jobs, state, showQueue, selected, allSelected, onToggle, onTogglePage } = props;
  const times = TIME_COLUMNS[state];
  const showError = SHOWS_ERROR.has(state);
  const pageSelected = jobs.length > 0 && jobs.every((j) => selected.has(j.id));

  return (
    <div className="table-wrap">
      <table className="table jobs-table">
        <caption className="sr-only">Jobs</caption>
        <thead>
          <tr>
            <th scope="col" className="check">
              <input
                type="checkbox"
                aria-label="Select page"
                checked={pageSelected || allSelected}
                ref={(el) => {
                  if (el) el.indeterminate = !pageSelected && selected.size > 0;
                }}
                onChange={onTogglePage}
              />
            </th>
            <th scope="col">Job</th>
            <th scope="col">Kind</th>
            {showQueue && <th scope="col">Queue</th>}
            <th scope="col">Args</th>
            {showError && <th scope="col">Error</th>}
            <th scope="col" className="num">
              Attempts
            </th>
            {times.map((t) => (
              <th key={t.label} scope="col">
                {t.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id} className={selected.has(job.id) || allSelected ? "selected" : ""}>
              <td className="check">
                <input
                  type="checkbox"
                  aria-label={`Select job ${job.id}`}
                  checked={allSelected || selected.has(job.id)}
                  disabled={allSelected}
                  onChange={() => onToggle(job.id)}
                />
              </td>
              <td className="mono">
                <Link to={jobPath(job.id)} state={props.linkState}>
                  #{job.id}
                </Link>
                {job.state !== state && (
                  <>
                    {" "}
                    <StateBadge state={job.state} />
                  </>
                )}
              </td>
              <td className="kind">{job.kind}</td>
              {showQueue && <td>{job.queue}</td>}
              <td className="args">
                <code title={job.argsPreview}>{job.argsPreview}</code>
              </td>
              {showError && (
                <td className="error-cell">
                  <span title={job.error ?? ""}>{job.error ?? ""}</span>
                </td>
              )}
              <td className="num">
                {job.attempt}
                {job.maxAttempts !== null && <span className="muted"> / {job.maxAttempts}</span>}
              </td>
              {times.map((t) => (
                <td key={t.label} className="time">
                  <RelativeTime date={t.value(job)} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
