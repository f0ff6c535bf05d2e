import { dayOf } from '../../shared/time/days.ts';
import type { DemoTarget } from './send.ts';

export interface Period {
  from: string;
  to: string;
}

const DAY = 86_400_000;

/** The reporting days the demo covers, in the tenant's zone. */
export function demoPeriod(until: Date, days: number, timezone: string): Period {
  return { from: dayOf(until.getTime() - days * DAY, timezone), to: dayOf(until, timezone) };
}

/**
 * Waits until the server's event pipeline has projected what was sent:
 * the attribution report's revenue (from projected rollups) equals the
 * export summary's (from the recorded transactions), and the funnel and
 * the handoff answer the same twice in a row. Only the API is asked.
 */
export async function waitUntilProjected(target: DemoTarget, period: Period, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  const query = `from=${period.from}&to=${period.to}`;
  const read = async (path: string, key: string) => {
    const response = await fetch(`${target.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    return response.json() as Promise<any>;
  };
  let previous = '';
  for (;;) {
    const [report, summary, funnel, handoffs] = await Promise.all([
      read(`/v1/attribution/report?${query}`, target.tenant.keys.marketing),
      read(`/v1/exports/transactions/summary?${query}`, target.tenant.keys.finance),
      read(`/v1/funnel?${query}`, target.tenant.keys.marketing),
      read(`/v1/handoffs?${query}`, target.tenant.keys.marketing),
    ]);
    const projected = JSON.stringify((report.totals as Array<{ currency: string; revenue: number }>).map(({ currency, revenue }) => [currency, revenue]).sort());
    const recorded = JSON.stringify((summary.currencies as Array<{ currency: string; revenue: number }>).map(({ currency, revenue }) => [currency, revenue]).sort());
    const views = JSON.stringify([funnel.totals, handoffs.qualified, handoffs.contacted, handoffs.withinSla, handoffs.dropped.length]);
    if (projected === recorded && views === previous) return;
    previous = views;
    if (Date.now() > deadline)
      throw new Error(`The server had not projected the demo store after ${Math.round((options.timeoutMs ?? 300_000) / 1000)} s (report revenue ${projected}, export summary ${recorded}).`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1_000));
  }
}
