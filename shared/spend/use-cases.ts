import { type BatchAnswer, validateItems } from '../recording/use-cases.ts';
import type { TenantStore } from '../tenants/ports.ts';
import { requireTenant } from '../tenants/use-cases.ts';
import type { SpendStore } from './ports.ts';
import { figureOf, normaliseSpend, SpendInputSchema, spendId } from './spend.ts';

export interface SpendDeps {
  tenants: TenantStore;
  spend: SpendStore;
}

export interface SpendAnswer extends BatchAnswer {
  /** Figures older than (or as old as) the one already stored for that day: kept out. */
  stale: number;
}

/**
 * `POST /v1/spend`: each line validated on its own (bad ones rejected with
 * their index, the others stored). A day's figure for a campaign is
 * replaced by a later report of it and never by an earlier one, so
 * restatements may arrive in any order.
 */
export async function recordSpend(deps: SpendDeps, tenantId: string, items: unknown[], receivedAt = new Date().toISOString()): Promise<SpendAnswer> {
  await requireTenant(deps.tenants, tenantId);
  const { records, repeats, rejected } = validateItems(
    items,
    SpendInputSchema,
    (input) => {
      const entry = normaliseSpend(input, receivedAt);
      // a repeat within one batch is a duplicate when it reports the same figure at the same time
      return { entry, contentHash: `${figureOf(entry)}@${entry.reportedAt}` };
    },
    ({ entry }) => spendId(entry),
    'campaign',
  );
  const outcomes = await deps.spend.putSpend(
    tenantId,
    records.map(({ record }) => record.entry),
  );
  const answer: SpendAnswer = { accepted: 0, duplicates: repeats.filter((repeat) => repeat.duplicate).length, stale: 0, rejected };
  for (const outcome of outcomes) {
    if (outcome === 'stored') answer.accepted += 1;
    else if (outcome === 'duplicate') answer.duplicates += 1;
    else answer.stale += 1;
  }
  answer.rejected.sort((a, b) => a.index - b.index);
  return answer;
}
