import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartSeries {
  label: string;
  color: string;
  values: number[];
}

interface TimeChartProps {
  /** Seconds since the epoch, one per point. */
  times: number[];
  series: ChartSeries[];
  height?: number;
  unit: string;
  label: string;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const TIME_STEPS = [
  1,
  2,
  5,
  10,
  15,
  30,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
];

/** A small time-series chart; its data updates in place without rebuilding the plot. */
export default function TimeChart({ times, series, height = 180, unit, label }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => `${s.label}:${s.color}`).join("|");

  useEffect(() => {
    const node = box.current;
    if (!node) return;
    const options: uPlot.Options = {
      width: Math.max(200, node.clientWidth),
      height,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        {
          stroke: "#8a8f98",
          grid: { stroke: "rgba(128,128,128,0.12)" },
          // Whole seconds at least: the data comes once a second, so finer ticks only clutter.
          incrs: TIME_STEPS,
          space: 70,
        },
        {
          stroke: "#8a8f98",
          grid: { stroke: "rgba(128,128,128,0.12)" },
          size: 48,
          values: (_u, ticks) => ticks.map((t) => compact(t)),
        },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.6,
          fill: `${s.color}22`,
          points: { show: false },
          value: (_u: uPlot, v: number | null) => (v === null ? "–" : `${compact(v)} ${unit}`),
        })),
      ],
    };
    const chart = new uPlot(options, [[], ...series.map(() => [])], node);
    plot.current = chart;
    const observer = new ResizeObserver(() => {
      chart.setSize({ width: Math.max(200, node.clientWidth), height });
    });
    observer.observe(node);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // The plot is rebuilt only when the set of series changes; data flows in below.
  }, [shape, height, unit]);

  useEffect(() => {
    plot.current?.setData([times, ...series.map((s) => s.values)]);
  }, [times, series]);

  return <div ref={box} className="chart" role="img" aria-label={label} />;
}

function compact(value: number): string {
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`;
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  if (value >= 1000) return `${(value / 1000).toFixed(1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
