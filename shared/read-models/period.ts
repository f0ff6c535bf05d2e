import type { Period } from '../api/responses/common.ts';
import { timezonesOf } from '../exports/export.ts';
import type { TenantRecord } from '../tenants/ports.ts';
import { calendarOf, recomputeAdviceOf } from '../tenants/use-cases.ts';

/**
 * What every view answers about the period it counts: the days asked for,
 * the zone each span of them is in, and (while settings changed since its
 * figures were projected) the advice to recompute.
 */
export function periodHeader(tenant: TenantRecord, query: { from: string; to: string }): Period {
  return { from: query.from, to: query.to, ...timezonesOf(calendarOf(tenant), query.from, query.to), ...recomputeAdviceOf(tenant) };
}
