import { HEURISTIC_MODELS } from '../attribution/models.ts';
import { type ReportDeps, report } from '../read-models/reports.ts';
import type { DailyFigures } from './ports.ts';
import type { WarehouseRow } from './tables.ts';

/** The groupings `daily` holds: a report row's key under each, and each currency's total. */
const GROUPINGS = ['channel', 'campaign'] as const;

/**
 * A day's figures as the report has them (the rollups, with the day's
 * spend joined), for the days a window changed: every heuristic model ×
 * channel and campaign row, and each currency's total (dimension `total`,
 * key `(total)`; unattributed revenue is the total less its rows). Each day
 * is written whole under the window's version, so a row that left a day is
 * gone from `daily_current` too.
 */
export function dailyFigures(deps: ReportDeps): DailyFigures {
  return async (tenantId, days, change) => {
    if (days.length === 0) return [];
    const sorted = [...days].sort();
    const from = sorted[0]!;
    const to = sorted[sorted.length - 1]!;
    const wanted = new Set(sorted);
    const rows: WarehouseRow[] = [];
    const stamp = { op: 'upsert', version: change.version, updated_at: change.changedAt };
    for (const model of HEURISTIC_MODELS) {
      for (const grouping of GROUPINGS) {
        const answer = await report(deps, tenantId, { from, to, model, groupBy: grouping, interval: 'day' });
        for (const row of answer.rows) {
          if (!row.day || !wanted.has(row.day)) continue;
          rows.push({
            tenant_id: tenantId,
            local_day: row.day,
            model,
            dimension: grouping,
            key: row.key,
            currency: row.currency,
            revenue_minor: row.revenue,
            conversions: row.conversions,
            touches: row.touches,
            cost_minor: row.cost ?? null,
            ...stamp,
          });
        }
        if (grouping !== 'channel') continue;
        for (const total of answer.totals) {
          if (!total.day || !wanted.has(total.day)) continue;
          rows.push({
            tenant_id: tenantId,
            local_day: total.day,
            model,
            dimension: 'total',
            key: '(total)',
            currency: total.currency,
            revenue_minor: total.revenue,
            conversions: total.transactions,
            touches: 0,
            cost_minor: total.cost ?? null,
            ...stamp,
          });
        }
      }
    }
    // A day that has no figure left still has its version: one row saying so, so that the day's earlier rows are not current.
    for (const day of sorted) {
      if (!rows.some((row) => row.local_day === day))
        rows.push({ tenant_id: tenantId, local_day: day, model: '(none)', dimension: 'total', key: '(total)', currency: '', revenue_minor: 0, conversions: 0, touches: 0, cost_minor: null, ...stamp });
    }
    rows.sort((a, b) => (`${a.local_day}|${a.model}|${a.dimension}|${a.key}|${a.currency}` < `${b.local_day}|${b.model}|${b.dimension}|${b.key}|${b.currency}` ? -1 : 1));
    return rows;
  };
}
