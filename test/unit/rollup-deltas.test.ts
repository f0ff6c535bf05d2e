import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import * as fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { deltaParts, MAX_CELLS_PER_DELTA, MAX_MEASURES_PER_CELL, MAX_MEASURES_PER_DELTA, type PendingDelta, rollupDeltaEntity } from '../../shared/adapters/dynamodb/entities/rollup-delta.ts';
import { DynamoProjectionStore, deltaChunks } from '../../shared/adapters/dynamodb/projection-store.ts';
import { type Contributions, sum } from '../../shared/projection/cells.ts';
import { makeApplyRollupsHandler } from '../../shared/projection/stream-consumer.ts';
import { sweepRollupDeltas } from '../../shared/projection/use-cases.ts';
import { memoryTenant } from '../support/memory/fixtures.ts';
import { memoryStores } from '../support/memory/stores.ts';

/** A delta over a few shared cells (a busy day's) and some of its own, with up to 250 measures a cell. */
const deltaArbitrary: fc.Arbitrary<Contributions> = fc
  .dictionary(
    fc.oneof(
      fc.constantFrom('totals|2026-11-27|EUR', 'last_touch|2026-11-27|EUR|channel', 'funnel|2026-11-27|-'),
      fc.integer({ min: 0, max: 120 }).map((n) => `paths|2026-11-27|${n}`),
    ),
    fc.dictionary(
      fc.integer({ min: 0, max: 249 }).map((n) => `m${n}`),
      fc.integer({ min: -5_000, max: 5_000 }).filter((n) => n !== 0),
      { minKeys: 1, maxKeys: 250 },
    ),
    { minKeys: 1, maxKeys: 90 },
  )
  .map((delta) => delta as Contributions);

describe('rollup deltas: cut into items, grouped into transactions', () => {
  it('a delta is cut into items of at most 40 cells and 100 measures in all that sum back to it', () => {
    fc.assert(
      fc.property(deltaArbitrary, (delta) => {
        const parts = deltaParts(delta);
        for (const part of parts) {
          expect(Object.keys(part).length).toBeLessThanOrEqual(MAX_CELLS_PER_DELTA);
          expect(Object.values(part).reduce((measures, changes) => measures + Object.keys(changes).length, 0)).toBeLessThanOrEqual(MAX_MEASURES_PER_DELTA);
        }
        expect(sum(...parts)).toEqual(sum(delta));
      }),
    );
  });

  it('pending deltas are grouped so each transaction holds at most 100 items, a cell at most 100 measures, and together they add what the deltas add', () => {
    fc.assert(
      fc.property(fc.array(deltaArbitrary, { minLength: 1, maxLength: 12 }), (deltas) => {
        const pending: PendingDelta[] = deltas.flatMap((delta, person) => deltaParts(delta).map((cells, n) => ({ key: { pk: 'T#acme#ROLLUP-DELTA', sk: `c:p${person}#1#s#${n}` }, cells })));
        const chunks = deltaChunks(pending);
        for (const chunk of chunks) {
          expect(Object.keys(chunk.cells).length + chunk.keys.length).toBeLessThanOrEqual(100);
          for (const changes of Object.values(chunk.cells)) expect(Object.keys(changes).length).toBeLessThanOrEqual(MAX_MEASURES_PER_CELL);
        }
        expect(chunks.flatMap((chunk) => chunk.keys)).toEqual(pending.map((delta) => delta.key));
        expect(sum(...chunks.map((chunk) => chunk.cells))).toEqual(sum(...deltas));
      }),
    );
  });

  it('many people’s deltas on one day’s cells become one update per cell', () => {
    const pending: PendingDelta[] = Array.from({ length: 50 }, (_, person) => ({
      key: { pk: 'T#acme#ROLLUP-DELTA', sk: `c:p${person}#1#s#0` },
      cells: { 'totals|2026-11-27|EUR': { orders: 1, revenue: 1_000 + person }, 'funnel|2026-11-27|-': { acquired: 1 } },
    }));
    const [chunk, ...rest] = deltaChunks(pending);
    expect(rest).toEqual([]);
    expect(chunk!.cells).toEqual({ 'totals|2026-11-27|EUR': { orders: 50, revenue: 50 * 1_000 + (49 * 50) / 2 }, 'funnel|2026-11-27|-': { acquired: 50 } });
  });

  it('a save’s delta items are keyed new each time, so a later save of the same person and version never overwrites one waiting', () => {
    const delta = { 'totals|2026-11-27|EUR': { orders: 1 } };
    const [first] = rollupDeltaEntity.toItems('acme', 'c:ana' as never, 1, delta);
    const [second] = rollupDeltaEntity.toItems('acme', 'c:ana' as never, 1, delta);
    expect(first!.pk).toBe(second!.pk);
    expect(first!.sk).not.toBe(second!.sk);
    expect(rollupDeltaEntity.fromItem(first!).cells).toEqual(delta);
    expect(rollupDeltaEntity.toItems('acme', 'c:ana' as never, 1, {})).toEqual([]);
  });
});

describe('the rollup applier on the stream', () => {
  const record = (tenantId: string, n: number): DynamoDBRecord => ({
    eventName: 'INSERT',
    dynamodb: { SequenceNumber: String(n), NewImage: { pk: { S: `T#${tenantId}#ROLLUP-DELTA` }, sk: { S: `c:p${n}#1#s#0` }, entity: { S: 'rollup_delta' } } },
  });
  const event = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

  it('applies each tenant the batch names once, whatever the number of its records', async () => {
    const applied: string[] = [];
    const handler = makeApplyRollupsHandler({
      projections: {
        applyRollupDeltas: async (tenantId) => {
          applied.push(tenantId);
          return { applied: 1, writes: 1, conflicts: 0 };
        },
      },
    });
    expect(await handler(event(record('acme', 1), record('acme', 2), record('globex', 3), record('acme', 4)))).toEqual({ batchItemFailures: [] });
    expect(applied).toEqual(['acme', 'globex']);
  });

  it('a tenant whose deltas could not be applied fails the batch from its first record; other tenants are applied', async () => {
    const applied: string[] = [];
    const handler = makeApplyRollupsHandler({
      projections: {
        applyRollupDeltas: async (tenantId) => {
          if (tenantId === 'globex') throw new Error('throttled');
          applied.push(tenantId);
          return { applied: 1, writes: 1, conflicts: 0 };
        },
      },
    });
    expect(await handler(event(record('acme', 1), record('globex', 2), record('acme', 3), record('globex', 4)))).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    expect(applied).toEqual(['acme']);
  });
});

describe('the rollup sweep (scheduled)', () => {
  it('adds every tenant’s waiting deltas to their cells, once: the next sweep finds nothing', async () => {
    const deps = memoryStores();
    for (const tenantId of ['acme', 'globex', 'initech']) await memoryTenant(deps, tenantId);
    // Left by the stream's applier (its batch dead-lettered): acme's two, globex's one; initech has none.
    deps.table.of('acme').rollupDeltas.push({ 'totals|2026-11-27|USD': { r: 500, n: 1 } }, { 'totals|2026-11-27|USD': { r: 250, n: 1 } });
    deps.table.of('globex').rollupDeltas.push({ 'totals|2026-11-28|EUR': { r: 900, n: 1 } });

    expect(await sweepRollupDeltas(deps)).toEqual({ tenants: 3, applied: 3, failed: [] });
    expect(deps.table.of('acme').rollups.get('totals|2026-11-27|USD')).toEqual({ r: 750, n: 2 });
    expect(deps.table.of('globex').rollups.get('totals|2026-11-28|EUR')).toEqual({ r: 900, n: 1 });
    expect(deps.table.of('initech').rollups.size).toBe(0);
    expect(await sweepRollupDeltas(deps)).toEqual({ tenants: 3, applied: 0, failed: [] });
    expect(deps.table.of('acme').rollups.get('totals|2026-11-27|USD')).toEqual({ r: 750, n: 2 });
  });

  it('a tenant that fails is named and left to the next sweep; the others are applied', async () => {
    const deps = memoryStores();
    for (const tenantId of ['acme', 'globex', 'initech']) await memoryTenant(deps, tenantId);
    deps.table.of('acme').rollupDeltas.push({ 'totals|2026-11-27|USD': { r: 500, n: 1 } });
    deps.table.of('initech').rollupDeltas.push({ 'totals|2026-11-27|USD': { r: 100, n: 1 } });
    const projections = {
      applyRollupDeltas: (tenantId: string) => (tenantId === 'globex' ? Promise.reject(new Error('throttled')) : deps.projections.applyRollupDeltas(tenantId)),
    };
    expect(await sweepRollupDeltas({ tenants: deps.tenants, projections })).toEqual({ tenants: 3, applied: 2, failed: ['globex'] });
    expect(deps.table.of('initech').rollups.get('totals|2026-11-27|USD')).toEqual({ r: 100, n: 1 });
  });
});

describe('the rollup applier when DynamoDB cancels its write (a mocked client: throttling cannot be provoked locally)', () => {
  const client = createDocumentClient({ endpoint: 'http://127.0.0.1:1', maxAttempts: 1 });
  const mock = mockClient(DynamoDBDocumentClient);
  afterAll(() => mock.restore());
  const [item] = rollupDeltaEntity.toItems('acme', 'c:ana' as never, 1, { 'totals|2026-11-27|EUR': { orders: 1 } });
  const cancelled = (...codes: string[]) => new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

  it('throttled: waits as the retry policy says and applies', async () => {
    mock.reset();
    mock
      .on(QueryCommand)
      .resolvesOnce({ Items: [item!] })
      .resolvesOnce({ Items: [item!] })
      .resolves({ Items: [] });
    mock.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'ThrottlingError')).resolves({});

    expect(await new DynamoProjectionStore(client, 't').applyRollupDeltas('acme')).toEqual({ applied: 1, writes: 1, conflicts: 1 });
  });

  it('refused for any other reason: fails, rather than reading again forever', async () => {
    mock.reset();
    mock.on(QueryCommand).resolves({ Items: [item!] });
    mock.on(TransactWriteCommand).rejects(cancelled('ValidationError', 'None'));

    await expect(new DynamoProjectionStore(client, 't').applyRollupDeltas('acme')).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});
