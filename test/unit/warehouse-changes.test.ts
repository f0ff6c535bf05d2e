import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { importedSpendEntity } from '../../shared/adapters/dynamodb/entities/imported-spend.ts';
import { rollupCellEntity } from '../../shared/adapters/dynamodb/entities/rollup-cell.ts';
import { spendLineEntity } from '../../shared/adapters/dynamodb/entities/spend-line.ts';
import { createTenant } from '../../shared/tenants/use-cases.ts';
import { makeWarehouseChangesHandler, recordChangeOf } from '../../shared/warehouse/stream-consumer.ts';
import { MemoryTable } from '../support/memory/table.ts';
import { MemoryTenantStore } from '../support/memory/tenant-store.ts';
import { MemoryWarehouseStore } from '../support/memory/warehouse-store.ts';

// The warehouse's change recorder and the days whose `daily` figures changed: rollup cells and spend items carry no
// tenantId (their partition key names the tenant), and a batch logs each day once.

const cell = (family: 'linear' | 'totals' | 'cohorts', day: string, part = 'USD') => ({
  ...rollupCellEntity.key('acme-shop', { family, day, part }),
  entity: 'rollup',
  v: 1,
  revenue: 100,
});
const spend = { ...spendLineEntity.toItem('acme-shop', { day: '2026-11-23', campaign: 'brand', currency: 'USD', amount: 2000, reportedAt: '2026-11-24T08:00:00.000Z' }) };

describe('the warehouse change recorder (docs/warehouse.md)', () => {
  it('takes a rollup cell’s or spend line’s tenant from its partition key and its day from its sort key, and leaves out families daily does not read', () => {
    expect(recordChangeOf(cell('linear', '2026-11-27'), 'MODIFY')).toEqual({ tenantId: 'acme-shop', change: { entity: 'figures', op: 'upsert', day: '2026-11-27' } });
    expect(recordChangeOf(cell('totals', '2026-11-27', '=EUR'), 'INSERT')).toEqual({ tenantId: 'acme-shop', change: { entity: 'figures', op: 'upsert', day: '2026-11-27' } });
    // Cohort cells are dated by their month: no daily figure moves.
    expect(recordChangeOf(cell('cohorts', '2026-11-30'), 'MODIFY')).toEqual({ tenantId: 'acme-shop', change: undefined });
    expect(recordChangeOf(spend, 'REMOVE')).toEqual({ tenantId: 'acme-shop', change: { entity: 'figures', op: 'delete', day: '2026-11-23' } });
    const imported = { pk: 'T#acme-shop#SPEND', sk: '2026-11-22#i#abc#0', entity: importedSpendEntity.name, v: 1 };
    expect(recordChangeOf(imported, 'INSERT')).toEqual({ tenantId: 'acme-shop', change: { entity: 'figures', op: 'upsert', day: '2026-11-22' } });
  });

  it('logs each changed day once a batch, in the tenant’s change log, and nothing for a tenant that is gone', async () => {
    const tenants = new MemoryTenantStore(new MemoryTable());
    await createTenant(tenants, { tenantId: 'acme-shop', currency: 'USD', timezone: 'UTC' }, new Date('2026-11-01T00:00:00Z'));
    const changes = new MemoryWarehouseStore();
    const handler = makeWarehouseChangesHandler({ tenants, changes, now: () => new Date('2026-11-27T10:00:00.000Z') });
    const items = [
      cell('linear', '2026-11-27'),
      cell('totals', '2026-11-27'),
      cell('linear', '2026-11-26'),
      cell('cohorts', '2026-11-30'),
      spend,
      { ...cell('linear', '2026-11-27'), pk: 'T#gone#ROLLUP#linear' },
    ];
    const event: DynamoDBStreamEvent = {
      Records: items.map((item, i) => ({ eventName: 'MODIFY', dynamodb: { SequenceNumber: String(i + 1), NewImage: marshall(item) as never } })),
    };
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(changes.logged.get('acme-shop')).toEqual([
      { table: 'daily', changedAt: '2026-11-27T10:00:00.000Z', rows: [{ local_day: '2026-11-23' }, { local_day: '2026-11-26' }, { local_day: '2026-11-27' }] },
    ]);
    expect(changes.logged.has('gone')).toBe(false);
  });
});
