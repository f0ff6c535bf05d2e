import * as z from 'zod';
import { HEURISTIC_MODELS, type HeuristicModel } from '../attribution/models.ts';
import { formatAmount } from '../money/money.ts';
import { NONE } from '../projection/person.ts';
import type { SpendProfile } from '../spend/imports/parse.ts';
import { requireTenant } from '../tenants/use-cases.ts';
import { DaySchema, periodCheck } from '../time/days.ts';
import { periodHeader } from './period.ts';
import { costLinesOf, MAX_REPORT_DAYS, type ReportDeps, rowsOf } from './reports.ts';

export const SpendAuditQuerySchema = z.object({ from: DaySchema, to: DaySchema }).strict().superRefine(periodCheck(MAX_REPORT_DAYS));

/**
 * `GET /v1/spend/audit`: what the join of spend and touches left over in a
 * period: imported spend that matched no touch (by platform, account and
 * campaign), and campaigns whose touches earned revenue (under the tenant's
 * model) but that no spend pays for. Three reads: the rollups, the spend,
 * and (with imported spend) the catalog and mappings.
 */
export async function spendAudit(deps: ReportDeps, tenantId: string, query: { from: string; to: string }) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  // a data-driven model has no campaign rows: the audit reads revenue by the heuristic one closest to it
  const model: HeuristicModel = (HEURISTIC_MODELS as readonly string[]).includes(tenant.config.defaultModel) ? (tenant.config.defaultModel as HeuristicModel) : 'last_non_direct';
  const [cells, lines] = await Promise.all([
    deps.projections.rollupCells(tenantId, model, query.from, query.to),
    deps.spend.spendBetween(tenantId, query.from, query.to).then((period) => costLinesOf(deps, tenantId, period)),
  ]);

  const unmatched = new Map<string, { platform: SpendProfile; account: string; campaignId?: string; campaign: string; currency: string; cost: number; days: Set<string> }>();
  const platforms = new Map<string, { platform: SpendProfile | 'posted'; currency: string; cost: number; matchedCost: number }>();
  for (const line of lines) {
    const platform: SpendProfile | 'posted' = line.imported?.profile ?? 'posted';
    const summaryKey = JSON.stringify([platform, line.currency]);
    const summary = platforms.get(summaryKey) ?? { platform, currency: line.currency, cost: 0, matchedCost: 0 };
    summary.cost += line.amount;
    if (line.campaign !== undefined) summary.matchedCost += line.amount;
    platforms.set(summaryKey, summary);
    if (line.campaign !== undefined || !line.imported) continue;
    const { imported } = line;
    const key = JSON.stringify([imported.profile, imported.account, imported.campaignKey, imported.currency]);
    const entry = unmatched.get(key) ?? {
      platform: imported.profile,
      account: imported.account,
      ...(imported.campaignId ? { campaignId: imported.campaignId } : {}),
      campaign: imported.campaign,
      currency: imported.currency,
      cost: 0,
      days: new Set<string>(),
    };
    entry.cost += line.amount;
    entry.days.add(line.day);
    unmatched.set(key, entry);
  }

  const paid = new Set(lines.filter((line) => line.campaign !== undefined).map((line) => JSON.stringify([line.campaign, line.currency])));
  const campaignsWithoutSpend = rowsOf(model, cells, 'campaign')
    .filter((row) => row.revenue > 0 && row.key !== NONE && !paid.has(JSON.stringify([row.key, row.currency])))
    .map((row) => ({ campaign: row.key, currency: row.currency, revenue: row.revenue, revenueDecimal: formatAmount(row.revenue, row.currency), conversions: row.conversions }));

  return {
    ...periodHeader(tenant, query),
    model,
    spend: [...platforms.values()]
      .sort((a, b) => (a.platform < b.platform ? -1 : a.platform > b.platform ? 1 : a.currency < b.currency ? -1 : 1))
      .map((summary) => ({ ...summary, unmatchedCost: summary.cost - summary.matchedCost })),
    unmatchedSpend: [...unmatched.values()]
      .sort((a, b) => b.cost - a.cost || (a.campaign < b.campaign ? -1 : 1))
      .map(({ days, ...entry }) => ({ ...entry, costDecimal: formatAmount(entry.cost, entry.currency), days: days.size, firstDay: [...days].sort()[0]!, lastDay: [...days].sort().at(-1)! })),
    campaignsWithoutSpend,
  };
}
