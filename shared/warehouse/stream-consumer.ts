import { attributionEntity } from '../adapters/dynamodb/entities/attribution.ts';
import { tenantOfKey } from '../adapters/dynamodb/entities/entity.ts';
import { importedSpendEntity } from '../adapters/dynamodb/entities/imported-spend.ts';
import { rollupCellEntity } from '../adapters/dynamodb/entities/rollup-cell.ts';
import { spendLineEntity } from '../adapters/dynamodb/entities/spend-line.ts';
import { stageEntity } from '../adapters/dynamodb/entities/stage.ts';
import { touchEntity } from '../adapters/dynamodb/entities/touch.ts';
import { transactionEntity } from '../adapters/dynamodb/entities/transaction.ts';
import { HEURISTIC_MODELS } from '../attribution/models.ts';
import { type StreamItem, streamBatchHandler } from '../events/batch-consumer.ts';
import type { StreamChanges, StreamEventName } from '../events/stream-changes.ts';
import { logger } from '../observability/logger.ts';
import type { TenantStore } from '../tenants/ports.ts';
import { calendarOf } from '../tenants/use-cases.ts';
import { DaySchema } from '../time/days.ts';
import type { ChangeLog, LoggedRows } from './ports.ts';
import { type RecordChange, rowsOf } from './rows.ts';

/**
 * The records the warehouse keeps, and the stream events it keeps them on:
 * touches and stages when written and when erased or expired, transactions
 * whenever they change (their count, their attribution summary), an
 * order's attribution at each new version; and the days whose figures
 * changed (a rollup cell, a spend line, imported spend), for `daily`.
 */
export const WAREHOUSE_CHANGES = {
  touch: ['INSERT', 'REMOVE'],
  stage: ['INSERT', 'REMOVE'],
  transaction: ['INSERT', 'MODIFY'],
  attribution: ['INSERT', 'MODIFY'],
  [rollupCellEntity.name]: ['INSERT', 'MODIFY'],
  [spendLineEntity.name]: ['INSERT', 'MODIFY', 'REMOVE'],
  [importedSpendEntity.name]: ['INSERT', 'MODIFY', 'REMOVE'],
} as const satisfies StreamChanges;

/** The rollup families `daily` is made of (`daily.ts`: the report by day, every heuristic model, and the totals). */
const DAILY_FAMILIES: ReadonlySet<string> = new Set([...HEURISTIC_MODELS, 'totals']);

/**
 * The day whose `daily` figures a rollup cell or spend item changes, as its
 * entity reads it from its keys. None for a cell of a family `daily` does
 * not read, such as the cohorts' cells dated by their month.
 */
function figuresDayOf(item: Record<string, unknown>): string | undefined {
  let day: string;
  if (item.entity === rollupCellEntity.name) {
    const address = rollupCellEntity.addressOf(item);
    if (!DAILY_FAMILIES.has(address.family)) return undefined;
    day = address.day;
  } else day = item.entity === spendLineEntity.name ? spendLineEntity.dayOf(item) : importedSpendEntity.dayOf(item);
  return DaySchema.safeParse(day).success ? day : undefined;
}

/** A stored item as the change it is (the entity modules parse it). */
export function recordChangeOf(item: Record<string, unknown>, eventName: StreamEventName): { tenantId: string; change: RecordChange | undefined } {
  const op = eventName === 'REMOVE' ? 'delete' : 'upsert';
  const tenantId = String(item.tenantId);
  switch (item.entity) {
    case rollupCellEntity.name:
    case spendLineEntity.name:
    case importedSpendEntity.name: {
      // These items carry no tenantId attribute: their partition key names the tenant.
      const day = figuresDayOf(item);
      return { tenantId: tenantOfKey(String(item.pk)), change: day ? { entity: 'figures', op, day } : undefined };
    }
    case touchEntity.name:
      return { tenantId, change: { entity: 'touch', op, touch: touchEntity.fromItem(item) } };
    case stageEntity.name:
      return { tenantId, change: { entity: 'stage', op, stage: stageEntity.fromItem(item) } };
    case transactionEntity.name:
      return { tenantId, change: { entity: 'transaction', op, transaction: transactionEntity.fromItem(item) } };
    case attributionEntity.name: {
      const { version, result } = attributionEntity.fromItem(item);
      return { tenantId, change: { entity: 'attribution', op, attribution: { version, result } } };
    }
    default:
      throw new Error(`The warehouse keeps no ${String(item.entity)} records`);
  }
}

type Changed = StreamItem<ReturnType<typeof recordChangeOf>>;

/**
 * The warehouse's change recorder: each batch's changes become their rows
 * (with the tenant's calendar and hash key) in the change log, one write per
 * tenant and table. A tenant whose rows cannot be written fails the batch
 * from its earliest record; rows recorded twice are told apart by the views
 * (docs/warehouse.md).
 */
export function makeWarehouseChangesHandler(deps: { tenants: Pick<TenantStore, 'getTenant'>; changes: Pick<ChangeLog, 'append'>; now?: () => Date }) {
  return streamBatchHandler({
    parse: (item, eventName) => recordChangeOf(item, eventName),
    process: async (items) => {
      const byTenant = new Map<string, Changed[]>();
      for (const item of items) byTenant.set(item.input.tenantId, [...(byTenant.get(item.input.tenantId) ?? []), item]);
      const failed: Changed[] = [];
      for (const [tenantId, tenantItems] of byTenant) {
        try {
          const tenant = await deps.tenants.getTenant(tenantId);
          if (!tenant) continue;
          const calendar = calendarOf(tenant);
          const changedAt = (deps.now?.() ?? new Date()).toISOString();
          const entries: LoggedRows[] = [];
          // A batch's changed days are logged once each, whatever number of cells changed on them.
          const days = new Set<string>();
          tenantItems.forEach((item, sequence) => {
            const { change } = item.input;
            if (change?.entity === 'figures') days.add(change.day);
            else if (change) {
              const derived = rowsOf(change, { tenantId, dayOf: (at) => calendar.dayOf(at), hashKey: tenant.cursorKey, changedAt, sequence });
              entries.push({ table: derived.table, changedAt, rows: derived.rows });
            }
          });
          if (days.size > 0) entries.push({ table: 'daily', changedAt, rows: [...days].sort().map((day) => ({ local_day: day })) });
          await deps.changes.append(tenantId, entries);
        } catch (error) {
          logger.error('Recording changes for the warehouse failed; the batch will be retried from the tenant’s first record', { tenantId, error: error as Error });
          failed.push(...tenantItems);
        }
      }
      return failed;
    },
  });
}
