import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useMemo, useState } from "react";
import { Link } from "react-router";
import { PageHeader } from "../components/PageHeader";
import { ErrorPanel, Loading } from "../components/Status";
import { useLive } from "../hooks/live";
import { formatNumber, plural } from "../lib/format";
import { statePath } from "../lib/paths";
import { STATE_LABELS, STATES } from "../services/states";
import { statsKeys, statsQuery, type RatePoint, type Stats } from "../services/stats";

const TimeChart = lazy(() => import("../components/charts/TimeChart"));

const PROCESSED_COLOR = "#2f855a";
const FAILED_COLOR = "#c53030";

export default function OverviewPage() {
  const stats = useQuery(statsQuery());

  return (
    <>
      <PageHeader title="Overview">
        {stats.data && (
          <p className="muted">
            {plural(stats.data.workers, "worker")} · {formatNumber(stats.data.busySlots)} of{" "}
            {formatNumber(stats.data.totalSlots)} slots busy
          </p>
        )}
      </PageHeader>
      {stats.isPending && <Loading rows={3} />}
      {stats.isError && !stats.data && (
        <ErrorPanel error={stats.error} onRetry={() => void stats.refetch()} />
      )}
      {stats.data && <Dashboard stats={stats.data} />}
    </>
  );
}

function Dashboard({ stats }: { stats: Stats }) {
  return (
    <>
      <section aria-label="Jobs by state" className="counters">
        {STATES.map((state) => (
          <Link key={state} to={statePath(null, state)} className={`counter counter-${state}`}>
            <span className="counter-label">{STATE_LABELS[state]}</span>
            <span className="counter-value" data-testid={`count-${state}`}>
              {formatNumber(stats.counts[state])}
            </span>
          </Link>
        ))}
      </section>
      <section aria-label="Totals" className="counters counters-totals">
        <Total label="Processed" name="processed" value={stats.processed} className="counter" />
        <Total
          label="Failed"
          name="failed"
          value={stats.failed}
          className="counter counter-failed"
        />
      </section>
      <div className="charts">
        <LivePanel />
        <HistoryPanel stats={stats} />
      </div>
    </>
  );
}

function LivePanel() {
  const { live } = useLive();
  // Written by the stats stream; this query never fetches.
  const { data: points = [] } = useQuery<RatePoint[]>({
    queryKey: statsKeys.rates,
    queryFn: () => [],
    staleTime: Infinity,
    enabled: false,
  });
  const chart = useMemo(
    () => ({
      times: points.map((p) => p.t),
      series: [
        { label: "Processed", color: PROCESSED_COLOR, values: points.map((p) => p.processed) },
        { label: "Failed", color: FAILED_COLOR, values: points.map((p) => p.failed) },
      ],
    }),
    [points],
  );

  return (
    <section className="panel chart-panel" aria-labelledby="live-title">
      <div className="panel-head">
        <h2 id="live-title">Live: jobs per second</h2>
        {!live && <span className="badge">Paused</span>}
      </div>
      {points.length < 2 ? (
        <p className="chart-empty muted">
          {live ? "Collecting the first seconds of data…" : "Resume live updates to draw this."}
        </p>
      ) : (
        <Suspense fallback={<div className="chart chart-placeholder" />}>
          <TimeChart label="Jobs processed and failed per second" unit="/s" {...chart} />
        </Suspense>
      )}
    </section>
  );
}

const WINDOWS = {
  hour: { label: "Last hour", buckets: 60 },
  day: { label: "Last day", buckets: 1440 },
};

function HistoryPanel({ stats }: { stats: Stats }) {
  const [window, setWindow] = useState<keyof typeof WINDOWS>("hour");
  const { history } = stats;
  const chart = useMemo(() => {
    const count = Math.min(WINDOWS[window].buckets, history.processed.length);
    const from = history.processed.length - count;
    return {
      times: Array.from({ length: count }, (_, i) => history.start + (from + i) * history.step),
      series: [
        { label: "Processed", color: PROCESSED_COLOR, values: history.processed.slice(from) },
        { label: "Failed", color: FAILED_COLOR, values: history.failed.slice(from) },
      ],
    };
  }, [history, window]);

  return (
    <section className="panel chart-panel" aria-labelledby="history-title">
      <div className="panel-head">
        <h2 id="history-title">History: jobs per minute</h2>
        <div className="segmented" role="group" aria-label="History window">
          {(Object.keys(WINDOWS) as (keyof typeof WINDOWS)[]).map((key) => (
            <button
              key={key}
              type="button"
              aria-pressed={window === key}
              onClick={() => setWindow(key)}
            >
              {WINDOWS[key].label}
            </button>
          ))}
        </div>
      </div>
      <Suspense fallback={<div className="chart chart-placeholder" />}>
        <TimeChart label={`Jobs per minute, ${WINDOWS[window].label}`} unit="/min" {...chart} />
      </Suspense>
    </section>
  );
}

interface TotalProps {
  label: string;
  /** Names the value for tests: `count-<name>`. */
  name: string;
  value: number;
  className: string;
}

function Total({ label, name, value, className }: TotalProps) {
  return (
    <div className={className}>
      <span className="counter-label">{label}</span>
      <span className="counter-value" data-testid={`count-${name}`}>
        {formatNumber(value)}
      </span>
    </div>
  );
}
