import { addDays, daysBetween } from '../../shared/time/days.ts';
import type { DemoTarget } from './send.ts';

export interface Period {
  from: string;
  to: string;
}

/** The longest period a report or a view answers for (MAX_REPORT_DAYS, MAX_VIEW_DAYS): a longer demo is read in windows. */
export const MAX_PERIOD_DAYS = 366;

/** `period` cut into consecutive windows of at most MAX_PERIOD_DAYS days, in order: together they cover it exactly once. */
export function periodWindows(period: Period, maxDays = MAX_PERIOD_DAYS): Period[] {
  const windows: Period[] = [];
  for (let from = period.from; from <= period.to; from = addDays(from, maxDays)) {
    const last = addDays(from, maxDays - 1);
    windows.push({ from, to: [last, period.to].sort()[0]! });
  }
  return windows;
}

/** The longest window the export summary is asked for at once: it reads each transaction, so a year at once can outlast a request's deadline on a store still busy projecting. */
const SUMMARY_WINDOW_DAYS = 92;

type Money = Array<{ currency: string; revenue: number }>;
/** Revenue per currency, added up over windows, as a comparable string. */
const revenueOf = (answers: Money[]) => {
  const sums = new Map<string, number>();
  for (const answer of answers) for (const { currency, revenue } of answer) sums.set(currency, (sums.get(currency) ?? 0) + revenue);
  return JSON.stringify([...sums].filter(([, revenue]) => revenue !== 0).sort());
};

/**
 * Waits until the server's event pipeline has projected what was sent:
 * the attribution report's revenue, the funnel and the handoff (from
 * projected rollups) answer the same twice in a row, and then the report's
 * revenue equals the export summary's (from the recorded transactions).
 * A longer demo is read in windows. Only the API is asked; an answer of
 * 503 or 429 (a store busy projecting) is "not yet".
 */
export async function waitUntilProjected(target: DemoTarget, period: Period, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 300_000 + 60_000 * Math.max(0, Math.ceil(daysBetween(period.from, period.to) / MAX_PERIOD_DAYS) - 1);
  const deadline = Date.now() + timeoutMs;
  const read = async (path: string, key: string): Promise<any> => {
    const response = await fetch(`${target.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    if (response.ok) return response.json();
    const text = await response.text();
    if (response.status === 503 || response.status === 429) return undefined;
    throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  };
  const { marketing, finance } = target.tenant.keys;
  /** What the projection shows, window by window: undefined while the store is too busy to answer. */
  const projected = async () => {
    const answers: Array<{ totals: Money; views: unknown }> = [];
    // One window after the other: a year's reads at once would only queue behind the projector.
    for (const window of periodWindows(period)) {
      const query = `from=${window.from}&to=${window.to}`;
      const [report, funnel, handoffs] = await Promise.all([read(`/v1/attribution/report?${query}`, marketing), read(`/v1/funnel?${query}`, marketing), read(`/v1/handoffs?${query}`, marketing)]);
      if (!report || !funnel || !handoffs) return undefined;
      answers.push({ totals: report.totals, views: [funnel.totals, handoffs.qualified, handoffs.contacted, handoffs.withinSla, handoffs.dropped.length] });
    }
    return { revenue: revenueOf(answers.map((answer) => answer.totals)), views: JSON.stringify(answers.map((answer) => answer.views)) };
  };
  const recorded = async () => {
    const answers: Money[] = [];
    for (const window of periodWindows(period, SUMMARY_WINDOW_DAYS)) {
      const summary = await read(`/v1/exports/transactions/summary?from=${window.from}&to=${window.to}`, finance);
      if (!summary) return undefined;
      answers.push(summary.currencies);
    }
    return revenueOf(answers);
  };
  let previous = '';
  let last = { projected: 'not read', recorded: 'not read' };
  for (;;) {
    const now = await projected();
    const seen = now ? JSON.stringify(now) : '';
    // The projection stood still since the last look: then (only) the recorded side is read, the longer read.
    if (now && seen === previous) {
      const summary = await recorded();
      last = { projected: now.revenue, recorded: summary ?? 'busy' };
      if (summary === now.revenue) return;
    }
    previous = seen;
    if (Date.now() > deadline)
      throw new Error(`The server had not projected the demo store after ${Math.round(timeoutMs / 1000)} s (report revenue ${last.projected}, export summary ${last.recorded}).`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2_000));
  }
}
