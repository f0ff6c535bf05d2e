import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestCounter } from '../../bench/lib.ts';
import { createDocumentClient, documentClient } from '../../shared/adapters/dynamodb/client.ts';
import { rollupDeltaEntity } from '../../shared/adapters/dynamodb/entities/rollup-delta.ts';
import { DynamoProjectionStore } from '../../shared/adapters/dynamodb/projection-store.ts';
import { DynamoTenantStore } from '../../shared/adapters/dynamodb/tenant-store.ts';
import { config } from '../../shared/config.ts';
import type { Identifier } from '../../shared/identity/identity.ts';
import { type CellFamily, type Contributions, cells, sum } from '../../shared/projection/cells.ts';
import type { ProjectionWrite } from '../../shared/projection/ports.ts';
import { sweepRollupDeltas } from '../../shared/projection/use-cases.ts';
import { newTenant } from '../support/api.ts';

// Projections of one busy day save their rollup differences as deltas of their own; appliers add many of them to the
// shared cells at once. What must hold on DynamoDB: every delta is added exactly once, however many appliers run while
// projections keep saving, and a delta too large for one item or one transaction is added whole.

const store = () => new DynamoProjectionStore(documentClient(), config().TABLE_NAME);
const DAY = '2026-11-27';

function write(personKey: string, delta: Contributions): ProjectionWrite {
  const key = personKey as Identifier;
  return {
    projection: { personKey: key, identifiers: [key], orders: {}, configs: {}, contributions: delta, dropped: [] },
    expectedVersion: 0,
    retired: [],
    attributions: [],
    delta,
    listings: { put: [], remove: [] },
    dropped: { add: [], remove: [] },
  };
}

/** Every cell of the families a delta names, as `cells.id` → measures (zero measures left out, as `sum` leaves them). */
async function storedCells(tenantId: string, families: readonly CellFamily[]): Promise<Contributions> {
  const all: Contributions[] = [];
  for (const family of families) {
    for (const cell of await store().rollupCells(tenantId, family, DAY, DAY)) all.push({ [cells.id({ family, day: cell.day, part: cell.part })]: cell.attributes });
  }
  return sum(...all);
}

async function pendingDeltas(tenantId: string): Promise<number> {
  const { Items = [] } = await documentClient().send(
    new QueryCommand({ TableName: config().TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': rollupDeltaEntity.partition(tenantId) }, ConsistentRead: true }),
  );
  return Items.length;
}

/** A shopper's difference to the day's shared cells (every shopper adds to them) and to one path cell of their own. */
const shopperDelta = fc.record({ revenue: fc.integer({ min: -50_000, max: 50_000 }), orders: fc.integer({ min: -1, max: 2 }), path: fc.integer({ min: 0, max: 300 }) }).map(
  ({ revenue, orders, path }): Contributions => ({
    [`totals|${DAY}|EUR`]: { revenue, orders },
    [`last_touch|${DAY}|EUR|channel`]: { 'credit:paid_search': revenue, 'conversions:paid_search': orders },
    [`paths|${DAY}|${path}`]: { [`path:${path}`]: 1 },
  }),
);

describe('rollup deltas on DynamoDB Local', () => {
  it('30 shoppers of one day saved at once while three appliers run: every delta is added to the cells exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(shopperDelta, { minLength: 30, maxLength: 30 }), async (deltas) => {
        const { tenantId } = await newTenant();
        let saving = true;
        const applier = async () => {
          let applied = 0;
          while (saving) applied += (await store().applyRollupDeltas(tenantId)).applied;
          return applied;
        };
        const appliers = [applier(), applier(), applier()];
        const saves = await Promise.all(deltas.map((delta, i) => store().save(tenantId, write(`c:shopper-${i}`, delta))));
        saving = false;
        const appliedMeanwhile = (await Promise.all(appliers)).reduce((a, b) => a + b, 0);
        const { applied: appliedLast } = await store().applyRollupDeltas(tenantId);

        expect(saves.every((outcome) => outcome === 'saved')).toBe(true);
        expect(appliedMeanwhile + appliedLast).toBe(30);
        expect(await pendingDeltas(tenantId)).toBe(0);
        expect(await storedCells(tenantId, ['totals', 'last_touch', 'paths'])).toEqual(sum(...deltas));
      }),
      { numRuns: 3 },
    );
  }, 120_000);

  it('a delta of 90 cells, one of them with 250 measures, is cut into parts and added whole', async () => {
    const { tenantId } = await newTenant();
    const delta: Contributions = Object.fromEntries(Array.from({ length: 90 }, (_, n) => [`paths|${DAY}|${n}`, { [`path:${n}`]: n + 1 }]));
    delta[`totals|${DAY}|EUR`] = Object.fromEntries(Array.from({ length: 250 }, (_, n) => [`m${n}`, n + 1]));
    expect(await store().save(tenantId, write('c:big', delta))).toBe('saved');
    expect(await pendingDeltas(tenantId)).toBeGreaterThanOrEqual(3);
    expect(await storedCells(tenantId, ['totals', 'paths'])).toEqual({});

    const [first, second] = await Promise.all([store().applyRollupDeltas(tenantId), store().applyRollupDeltas(tenantId)]);

    expect(first.applied + second.applied).toBe(rollupDeltaEntity.toItems(tenantId, 'c:big' as Identifier, 1, delta).length);
    expect(await pendingDeltas(tenantId)).toBe(0);
    expect(await storedCells(tenantId, ['totals', 'paths'])).toEqual(delta);
  }, 60_000);

  it('three appliers racing through 400 deltas of 40 cells each (200 transactions) all finish: losing to one that makes progress is no failure', async () => {
    const { tenantId } = await newTenant();
    const deltas = Array.from(
      { length: 400 },
      (_, person): Contributions => Object.fromEntries(Array.from({ length: 40 }, (_, n) => [`paths|${DAY}|${(person + n) % 120}`, { [`path:${n}`]: person + 1 }])),
    );
    for (const [i, delta] of deltas.entries()) expect(await store().save(tenantId, write(`c:wide-${i}`, delta))).toBe('saved');

    const outcomes = await Promise.all([store().applyRollupDeltas(tenantId), store().applyRollupDeltas(tenantId), store().applyRollupDeltas(tenantId)]);

    expect(outcomes.reduce((sum, outcome) => sum + outcome.applied, 0)).toBe(400);
    expect(await pendingDeltas(tenantId)).toBe(0);
    expect(await storedCells(tenantId, ['paths'])).toEqual(sum(...deltas));
  }, 60_000);

  it('the scheduled sweep adds the deltas no applier did; when nothing waits it costs the registry’s read and one Query per tenant', async () => {
    const waiting = await newTenant();
    await newTenant();
    const delta = { [`totals|${DAY}|EUR`]: { orders: 1, revenue: 2_500 } };
    expect(await store().save(waiting.tenantId, write('c:left-behind', delta))).toBe('saved');

    const swept = await sweepRollupDeltas({ tenants: new DynamoTenantStore(documentClient(), config().TABLE_NAME), projections: store() });
    expect(swept).toMatchObject({ applied: 1, failed: [] });
    expect(await pendingDeltas(waiting.tenantId)).toBe(0);
    expect(await storedCells(waiting.tenantId, ['totals'])).toEqual(delta);

    const client = createDocumentClient();
    const counter = new RequestCounter(client);
    const again = await sweepRollupDeltas({ tenants: new DynamoTenantStore(client, config().TABLE_NAME), projections: new DynamoProjectionStore(client, config().TABLE_NAME) });
    expect(again).toEqual({ tenants: swept.tenants, applied: 0, failed: [] });
    expect(counter.operations).toEqual({ QueryCommand: again.tenants + 1 });
    client.destroy();
  });

  it('a save that loses its race writes no delta', async () => {
    const { tenantId } = await newTenant();
    const delta = { [`totals|${DAY}|EUR`]: { orders: 1, revenue: 1_000 } };
    expect(await store().save(tenantId, write('c:ana', delta))).toBe('saved');
    expect(await store().save(tenantId, write('c:ana', delta))).toBe('stale');
    expect(await pendingDeltas(tenantId)).toBe(1);
    await store().applyRollupDeltas(tenantId);
    expect(await storedCells(tenantId, ['totals'])).toEqual(delta);
  });
});
