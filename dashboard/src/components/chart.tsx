import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartSeries {
  label: string;
  /** One value per day (or month offset), in display units. */
  values: Array<number | null>;
  color: string;
  bars?: boolean;
  dash?: boolean;
}

const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;

/**
 * Days on the x axis, uPlot on a canvas. The chart is a picture of figures
 * that the table beside it gives exactly: it is hidden from screen readers,
 * which read the table.
 */
export function DayChart({ title, days, series, format }: { title: string; days: string[]; series: ChartSeries[]; format: (value: number) => string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element || days.length === 0) return;
    const bars = uPlot.paths.bars?.({ size: [0.6, 40] });
    const plot = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height: 240,
        // Days are the tenant's; drawn in UTC so a day stays the day it names.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: [
          { stroke: '#3b4656', grid: { stroke: '#e3e7ee' } },
          { stroke: '#3b4656', grid: { stroke: '#e3e7ee' }, size: 70, values: (_, ticks) => ticks.map(format) },
        ],
        series: [
          { label: 'Day', value: (_, ts) => (ts === null ? '' : new Date(ts * 1000).toISOString().slice(0, 10)) },
          ...series.map((entry) => ({
            label: entry.label,
            stroke: entry.color,
            width: 2,
            ...(entry.bars ? { fill: `${entry.color}55`, paths: bars } : {}),
            ...(entry.dash ? { dash: [6, 4] } : {}),
            value: (_: uPlot, value: number | null) => (value === null ? '—' : format(value)),
          })),
        ],
      },
      [days.map(dayStart), ...series.map((entry) => entry.values)],
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, element.clientWidth), height: 240 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [days, series, format]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={host} aria-hidden="true" />
    </figure>
  );
}

/**
 * Month offsets (0 = the cohort month) on the x axis: one line per series,
 * a gap where a value is null (an offset not reached). Like the day chart,
 * a picture of the figures its table gives exactly, hidden from screen
 * readers; `name` and the series' labels are on the figure for a reader
 * of the page (`data-chart`, `data-series`).
 */
export function OffsetChart({ name, title, offsets, series, format }: { name: string; title: string; offsets: number; series: ChartSeries[]; format: (value: number) => string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element || offsets === 0 || series.length === 0) return;
    const plot = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height: 280,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false } },
        axes: [
          { stroke: '#3b4656', grid: { stroke: '#e3e7ee' }, incrs: [1, 2, 3, 6, 12], values: (_, ticks) => ticks.map((tick) => `M${tick}`) },
          { stroke: '#3b4656', grid: { stroke: '#e3e7ee' }, size: 70, values: (_, ticks) => ticks.map(format) },
        ],
        series: [
          { label: 'Month', value: (_, offset) => (offset === null ? '' : `M${offset}`) },
          ...series.map((entry) => ({
            label: entry.label,
            stroke: entry.color,
            width: entry.dash ? 1.5 : 2.5,
            spanGaps: false,
            points: { show: !entry.dash },
            ...(entry.dash ? { dash: [6, 4] } : {}),
            value: (_: uPlot, value: number | null) => (value === null ? '—' : format(value)),
          })),
        ],
      },
      [Array.from({ length: offsets }, (_, offset) => offset), ...series.map((entry) => entry.values)],
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, element.clientWidth), height: 280 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [offsets, series, format]);
  return (
    <figure class="chart" data-chart={name} data-series={JSON.stringify(series.map((entry) => entry.label))}>
      <figcaption>{title}</figcaption>
      <div ref={host} aria-hidden="true" />
    </figure>
  );
}
