import { useMutation, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useLocation, useNavigate, useParams } from "react-router";
import { BulkBar } from "../components/BulkBar";
import { BulkResultNotice } from "../components/BulkResultNotice";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { FilterBar } from "../components/FilterBar";
import { JobTable } from "../components/JobTable";
import { NewJobButton } from "../components/NewJobButton";
import { ErrorNotice, SuccessNotice } from "../components/Notice";
import { PageHeader } from "../components/PageHeader";
import { Pager } from "../components/Pager";
import { StateTabs } from "../components/StateTabs";
import { Empty, ErrorPanel, Loading } from "../components/Status";
import { useListView } from "../hooks/useListView";
import { useNow } from "../hooks/useNow";
import { useRefresh } from "../hooks/useRefresh";
import { useSelection } from "../hooks/useSelection";
import { formatNumber, plural } from "../lib/format";
import { isFiltered, NO_FILTERS, toFilter, writeView } from "../lib/listView";
import { ALL_QUEUES } from "../lib/paths";
import {
  ACTION_LABELS,
  bulkAct,
  DESTRUCTIVE,
  jobKeys,
  jobListQuery,
  type BulkResult,
  type BulkTarget,
  type JobAction,
} from "../services/jobs";
import { queueKeys } from "../services/queues";
import { isState, STATE_LABELS, type JobState } from "../services/states";
import { statsKeys, statsQuery } from "../services/stats";
import NotFoundPage from "./NotFoundPage";

const PAGE_SIZE = 50;

// How an empty tab names what it lacks ("No jobs waiting to retry in billing").
const EMPTY_NOUNS: Record<JobState, string> = {
  scheduled: "scheduled jobs",
  enqueued: "enqueued jobs",
  processing: "busy jobs",
  retrying: "jobs waiting to retry",
  succeeded: "succeeded jobs",
  dead: "dead jobs",
  cancelled: "cancelled jobs",
};

// The actions each tab offers: the ones the engine accepts for jobs in that state.
const TAB_ACTIONS: Record<JobState, JobAction[]> = {
  scheduled: ["run_now", "kill", "cancel", "delete"],
  enqueued: ["kill", "cancel", "delete"],
  processing: ["cancel", "delete"],
  retrying: ["retry", "kill", "cancel", "delete"],
  succeeded: ["retry", "kill", "delete"],
  dead: ["retry", "delete"],
  cancelled: ["retry", "kill", "delete"],
};

const EMPTY_HINTS: Record<JobState, string> = {
  scheduled: "Jobs enqueued with a delay or a run time wait here until it comes.",
  enqueued: "Nothing is waiting: workers are keeping up.",
  processing: "No worker is running a job of this queue right now.",
  retrying: "Failed jobs that will run again after a backoff show up here.",
  succeeded: "Jobs that finished without an error are kept here for a while.",
  dead: "Jobs land here after their last attempt fails, or when someone kills them.",
  cancelled: "Jobs cancelled before they finished are listed here.",
};

interface ListLocationState {
  /** Cursors of the pages before this one, so Previous can go back. */
  cursors?: string[];
  /** The outcome of an action taken on the page that led here. */
  notice?: string;
}

export default function JobListPage() {
  const params = useParams();
  if (!isState(params.state)) return <NotFoundPage />;
  const queue = params.queue === ALL_QUEUES ? null : (params.queue ?? null);
  return <JobList key={`${params.queue}/${params.state}`} queue={queue} state={params.state} />;
}

function JobList({ queue, state }: { queue: string | null; state: JobState }) {
  const [view, updateView] = useListView();
  const now = useNow();
  const location = useLocation();
  const navigate = useNavigate();
  const refresh = useRefresh([jobKeys.all, queueKeys.all, statsKeys.current]);

  const filter = useMemo(() => toFilter(queue, state, view, now), [queue, state, view, now]);
  const listParams = {
    ...filter,
    sort: view.sort,
    limit: PAGE_SIZE,
    cursor: view.cursor || undefined,
  };
  const jobs = useQuery(jobListQuery(listParams));
  const stats = useQuery(statsQuery());
  const counts = queue === null ? stats.data?.counts : stats.data?.queues[queue];

  const selection = useSelection(JSON.stringify(listParams));
  const [pending, setPending] = useState<JobAction | null>(null);
  const [result, setResult] = useState<BulkResult | null>(null);

  const bulk = useMutation({
    mutationFn: ({ action, target }: { action: JobAction; target: BulkTarget }) =>
      bulkAct(action, target),
    onSuccess: (outcome) => {
      setResult(outcome);
      selection.clear();
    },
    onSettled: () => {
      setPending(null);
      refresh();
    },
  });

  const page = jobs.data;
  const arrived = (location.state as ListLocationState | null) ?? {};
  const cursors = arrived.cursors ?? [];
  const [flash, setFlash] = useState(arrived.notice ?? null);
  const selectedCount = selection.allMatching ? (page?.total ?? 0) : selection.ids.size;
  const queueLabel = queue ?? "All queues";
  const tabSearch = writeView({ ...view, cursor: "" }).toString();
  const kinds = useMemo(() => [...new Set(page?.items.map((j) => j.kind) ?? [])].sort(), [page]);

  const run = (action: JobAction) => {
    const target: BulkTarget = selection.allMatching ? { filter } : { ids: [...selection.ids] };
    bulk.mutate({ action, target });
  };

  const goTo = (cursor: string, stack: string[]) => {
    const search = writeView({ ...view, cursor }).toString();
    navigate({ search: search ? `?${search}` : "" }, { state: { cursors: stack } });
  };

  return (
    <>
      <PageHeader
        title={
          <>
            {queueLabel} <span className="title-sep">/</span> {STATE_LABELS[state]}
          </>
        }
        crumbs={[
          { label: "Jobs", to: "/jobs" },
          {
            label: queueLabel,
            to: `/jobs/${queue === null ? ALL_QUEUES : encodeURIComponent(queue)}`,
          },
          { label: STATE_LABELS[state] },
        ]}
      >
        <NewJobButton queue={queue ?? undefined} />
      </PageHeader>
      <StateTabs queue={queue} counts={counts} search={tabSearch} />
      <FilterBar view={view} onChange={updateView} kinds={kinds} />

      <SuccessNotice message={flash} onDismiss={() => setFlash(null)} />
      {result && <BulkResultNotice result={result} onDismiss={() => setResult(null)} />}
      <ErrorNotice change={bulk} />

      <BulkBar
        actions={TAB_ACTIONS[state]}
        count={selectedCount}
        busy={bulk.isPending}
        onAction={(action) => (DESTRUCTIVE.has(action) ? setPending(action) : run(action))}
        onClear={selection.clear}
      />

      {page && page.items.length > 0 && (
        <SelectAllBanner
          pageCount={page.items.length}
          total={page.total}
          pageSelected={page.items.every((j) => selection.ids.has(j.id))}
          allMatching={selection.allMatching}
          onSelectAll={selection.selectAllMatching}
          onClear={selection.clear}
        />
      )}

      {jobs.isPending && <Loading rows={10} />}
      {jobs.isError && (
        <ErrorPanel
          error={jobs.error}
          title="Could not load the jobs"
          onRetry={() => void jobs.refetch()}
        />
      )}
      {page && page.items.length === 0 && !jobs.isError && (
        <Empty
          title={
            isFiltered(view)
              ? "No jobs match these filters"
              : `No ${EMPTY_NOUNS[state]} in ${queueLabel}`
          }
        >
          {isFiltered(view) ? (
            <button type="button" className="button" onClick={() => updateView(NO_FILTERS)}>
              Clear filters
            </button>
          ) : (
            EMPTY_HINTS[state]
          )}
        </Empty>
      )}
      {page && page.items.length > 0 && (
        <div className={jobs.isPlaceholderData ? "stale" : undefined} aria-busy={jobs.isFetching}>
          <JobTable
            jobs={page.items}
            state={state}
            showQueue={queue === null}
            selected={selection.ids}
            allSelected={selection.allMatching}
            onToggle={selection.toggle}
            onTogglePage={() => selection.togglePage(page.items.map((j) => j.id))}
            linkState={{ from: `${location.pathname}${location.search}` }}
          />
          <Pager
            first={cursors.length * PAGE_SIZE + 1}
            shown={page.items.length}
            total={page.total}
            hasPrevious={Boolean(view.cursor)}
            hasNext={page.nextCursor !== null}
            onFirst={() => goTo("", [])}
            onPrevious={() => goTo(cursors.at(-1) ?? "", cursors.slice(0, -1))}
            onNext={() => goTo(page.nextCursor ?? "", [...cursors, view.cursor])}
          />
        </div>
      )}

      {pending && (
        <ConfirmDialog
          title={`${ACTION_LABELS[pending]} ${plural(selectedCount, "job")}?`}
          confirmLabel={`${ACTION_LABELS[pending]} ${formatNumber(selectedCount)}`}
          danger
          busy={bulk.isPending}
          onConfirm={() => run(pending)}
          onCancel={() => setPending(null)}
        >
          <p>{CONSEQUENCES[pending]}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

const CONSEQUENCES: Record<JobAction, string> = {
  retry: "They are enqueued to run again now.",
  run_now: "They are enqueued to run now instead of at their scheduled time.",
  kill: "They move to Dead and will not run again unless someone retries them.",
  cancel: "Waiting jobs stop for good; running jobs are asked to stop at their next heartbeat.",
  delete: "They are removed from the store for good. This cannot be undone.",
};

interface SelectAllBannerProps {
  pageCount: number;
  total: number;
  pageSelected: boolean;
  allMatching: boolean;
  onSelectAll: () => void;
  onClear: () => void;
}

function SelectAllBanner(props: SelectAllBannerProps) {
  const { pageCount, total, pageSelected, allMatching } = props;
  if (allMatching) {
    return (
      <p className="select-banner">
        All {plural(total, "job")} matching this filter are selected.{" "}
        <button type="button" className="link-button" onClick={props.onClear}>
          Clear selection
        </button>
      </p>
    );
  }
  if (!pageSelected || total <= pageCount) return null;
  return (
    <p className="select-banner">
      All {plural(pageCount, "job")} on this page are selected.{" "}
      <button type="button" className="link-button" onClick={props.onSelectAll}>
        Select all {formatNumber(total)} matching this filter
      </button>
    </p>
  );
}
