import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUNNEL_GROUP_BYS, GROUP_BYS, SALES_DIMENSIONS } from '../../shared/projection/groupings.ts';
import { entryId, type ListingEntry, listingChanges, type OrderLine, positionOf } from '../../shared/projection/listings.ts';
import { refreshPerson } from '../../shared/projection/use-cases.ts';
import { attributionOrders, FunnelPeopleQuerySchema, funnelPeople, OrdersQuerySchema } from '../../shared/read-models/listings.ts';
import { report } from '../../shared/read-models/reports.ts';
import { funnel, paths, salesReport } from '../../shared/read-models/views.ts';
import { recordStages, storeTransaction } from '../../shared/recording/use-cases.ts';
import { id, memoryTenant, touch, transaction } from '../support/memory/fixtures.ts';
import { type MemoryStores, memoryStores } from '../support/memory/stores.ts';

const options = { now: () => new Date('2026-12-01T00:00:00Z') };
const PERIOD = { from: '2026-11-01', to: '2026-11-30' };

const line = (transactionId: string, day: string): OrderLine => ({
  transactionId,
  kind: 'order',
  occurredAt: `${day}T10:00:00.000Z`,
  day,
  currency: 'USD',
  revenue: 1000,
  credit: { linear: 1000 },
  conversions: { linear: 1_000_000 },
  sourcedBy: 'marketing',
  boundaryAt: `${day}T10:00:00.000Z`,
});
const entry = (transactionId: string, day: string, change: Partial<OrderLine> = {}): ListingEntry => ({
  listing: 'orders',
  groupBy: 'channel',
  key: 'Paid Search',
  position: positionOf(day, `${day}T10:00:00.000Z`, transactionId),
  line: { ...line(transactionId, day), ...change },
});

describe('listingChanges', () => {
  it('writes new and changed entries, removes the ones that went, and keeps the rest as they were', () => {
    const first = listingChanges([entry('o-1', '2026-11-10'), entry('o-2', '2026-11-11')], {}, '2026-01-01');
    expect(first.put.map((e) => (e.line as OrderLine).transactionId)).toEqual(['o-1', 'o-2']);
    expect(first.remove).toEqual([]);

    const second = listingChanges([entry('o-1', '2026-11-10', { revenue: 900 }), entry('o-3', '2026-11-12')], first.listed, '2026-01-01');
    expect(second.put.map((e) => (e.line as OrderLine).transactionId)).toEqual(['o-1', 'o-3']);
    expect(second.remove).toEqual([{ listing: 'orders', groupBy: 'channel', key: 'Paid Search', position: entry('o-2', '2026-11-11').position }]);
    expect(Object.keys(second.listed)).toHaveLength(2);

    expect(listingChanges([entry('o-1', '2026-11-10', { revenue: 900 }), entry('o-3', '2026-11-12')], second.listed, '2026-01-01')).toMatchObject({ put: [], remove: [] });
  });

  it('leaves final days as they were listed: neither rewritten nor removed', () => {
    const before = listingChanges([entry('old', '2026-01-05'), entry('older', '2026-01-04')], {}, '2025-01-01').listed;
    const after = listingChanges([entry('old', '2026-01-05', { revenue: 1 })], before, '2026-02-01');
    expect(after).toEqual({ put: [], remove: [], listed: before });
  });

  it('names an entry by its listing, grouping, place and key, whatever the key holds', () => {
    const odd = { ...entry('o-1', '2026-11-10'), key: 'a|b#c\u0000d' };
    expect(entryId(odd)).not.toEqual(entryId(entry('o-1', '2026-11-10')));
  });
});

// ---- against the rollups: a row's listing holds exactly what the row counts

const CAMPAIGNS = [undefined, 'spring', 'brand'] as const satisfies ReadonlyArray<string | undefined>;
const SOURCES = [
  { source: 'google', medium: 'cpc' },
  { source: 'newsletter', medium: 'email' },
  { source: 'facebook', medium: 'paid_social' },
] as const;

const journeyArb = fc.record({
  touches: fc.array(fc.record({ hour: fc.integer({ min: 0, max: 200 }), source: fc.constantFrom(...SOURCES), campaign: fc.constantFrom(...CAMPAIGNS) }), { maxLength: 4 }),
  orders: fc.array(
    fc.record({
      hour: fc.integer({ min: 100, max: 400 }),
      cents: fc.integer({ min: 1, max: 500_000 }),
      refund: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
      rep: fc.constantFrom(undefined, 'rita', 'sam'),
    }),
    { maxLength: 3 },
  ),
  qualifiedHour: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
});

type Journey = typeof journeyArb extends fc.Arbitrary<infer T> ? T : never;

const at = (hour: number) => new Date(Date.parse('2026-11-02T00:00:00Z') + hour * 3_600_000).toISOString();
const decimal = (cents: number) => (cents / 100).toFixed(2);

async function record(deps: MemoryStores, tenantId: string, people: Journey[]) {
  const { tenant } = await memoryTenant(deps, tenantId);
  for (const [i, person] of people.entries()) {
    const who = { customerId: `p${i}` };
    await deps.records.recordTouches(
      tenantId,
      person.touches.map((t) => touch({ occurredAt: at(t.hour), person: who, utm: { ...t.source, ...(t.campaign ? { campaign: t.campaign } : {}) } })),
      400,
    );
    if (person.qualifiedHour !== undefined) await recordStages(deps, tenantId, [{ stage: 'qualified', occurredAt: at(person.qualifiedHour), person: who }]);
    for (const [j, order] of person.orders.entries()) {
      const orderId = `p${i}-o${j}`;
      await storeTransaction(deps, tenant, transaction({ transactionId: orderId, occurredAt: at(order.hour), person: who, gross: decimal(order.cents), ...(order.rep ? { rep: order.rep } : {}) }));
      if (order.refund !== undefined) {
        const refund = transaction({
          transactionId: `${orderId}-r`,
          kind: 'refund',
          orderId,
          occurredAt: at(order.hour + 30),
          gross: decimal(Math.max(1, Math.floor((order.cents * order.refund) / 100))),
        });
        await storeTransaction(deps, tenant, refund);
      }
    }
    await refreshPerson(deps, tenant, [id(`c:p${i}`)], options);
  }
  await deps.projections.applyRollupDeltas(tenant.tenantId);
  return tenant;
}

/** Every line of a listing, page by page (pages of 2, so paging is exercised). */
async function allOrders(deps: MemoryStores, tenantId: string, query: Record<string, string>) {
  const lines = [];
  let cursor: string | undefined;
  do {
    const page = await attributionOrders(deps, tenantId, OrdersQuerySchema.parse({ ...PERIOD, limit: '2', ...query, ...(cursor ? { cursor } : {}) }));
    lines.push(...page.orders);
    cursor = page.nextCursor;
  } while (cursor);
  return lines;
}

const sumOf = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('GET /v1/attribution/orders on random journeys (in-memory stores)', () => {
  it('lists, for every row of every model and grouping, transactions whose credits sum to the row; (none) adds the unattributed', { timeout: 30_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(journeyArb, { minLength: 1, maxLength: 5 }), async (people) => {
        const deps = memoryStores();
        const tenant = await record(deps, 'acme', people);
        for (const model of ['linear', 'last_touch', 'w_shaped'] as const) {
          for (const groupBy of GROUP_BYS) {
            const answer = await report(deps, tenant.tenantId, { ...PERIOD, model, groupBy });
            const unattributed = sumOf(answer.totals.map((total) => total.unattributed));
            const keys = new Set([...answer.rows.map((row) => row.key), '(none)']);
            for (const key of keys) {
              const lines = await allOrders(deps, tenant.tenantId, { model, groupBy, key });
              const row = answer.rows.find((candidate) => candidate.key === key);
              expect(sumOf(lines.map((l) => l.credit))).toBe((row?.revenue ?? 0) + (key === '(none)' ? unattributed : 0));
              expect(sumOf(lines.map((l) => l.conversions))).toBeCloseTo(row?.conversions ?? 0, 5);
              const positions = lines.map((l) => `${l.day}#${l.occurredAt}#${l.transactionId}`);
              expect(positions).toEqual([...positions].sort().reverse());
            }
          }
          // A channel opens its campaigns: they add up to it, and each opens its orders.
          for (const row of (await report(deps, tenant.tenantId, { ...PERIOD, model, groupBy: 'channel' })).rows) {
            const campaigns = await report(deps, tenant.tenantId, { ...PERIOD, model, groupBy: 'campaign', channel: row.key });
            expect(sumOf(campaigns.rows.map((campaign) => campaign.revenue))).toBe(row.revenue);
            expect(sumOf(campaigns.rows.map((campaign) => campaign.touches))).toBe(row.touches);
            for (const campaign of campaigns.rows) {
              const lines = await allOrders(deps, tenant.tenantId, { model, groupBy: 'campaign', channel: row.key, key: campaign.key });
              expect(sumOf(lines.map((l) => l.credit))).toBe(campaign.revenue);
            }
          }
        }
        for (const groupBy of SALES_DIMENSIONS) {
          const answer = await salesReport(deps, tenant.tenantId, { ...PERIOD, groupBy });
          for (const row of answer.rows) expect(sumOf((await allOrders(deps, tenant.tenantId, { groupBy, key: row.key })).map((l) => l.credit))).toBe(row.revenue);
        }
        for (const groupBy of FUNNEL_GROUP_BYS) {
          const rows = (await funnel(deps, tenant.tenantId, { ...PERIOD, groupBy })).rows;
          for (const row of rows) {
            const page = await funnelPeople(deps, tenant.tenantId, FunnelPeopleQuerySchema.parse({ ...PERIOD, groupBy, key: row.key, limit: '500' }));
            expect(page.people).toHaveLength(row.acquired);
            expect(page.people.filter((person) => person.customer)).toHaveLength(row.customers);
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('listings through the projection (in-memory stores)', () => {
  it('lists an order without a marketing touch under (none) in every grouping, and its path as the empty one', async () => {
    const deps = memoryStores();
    const tenant = await record(deps, 'acme', [{ touches: [], orders: [{ hour: 150, cents: 4_200, refund: undefined, rep: undefined }], qualifiedHour: undefined }]);
    for (const groupBy of GROUP_BYS) {
      const [only, ...rest] = await allOrders(deps, tenant.tenantId, { groupBy, key: '(none)', model: 'linear' });
      expect(rest).toEqual([]);
      expect(only).toMatchObject({ transactionId: 'p0-o0', kind: 'order', revenue: 4_200, credit: 4_200, conversions: 0, sourcedBy: 'none' });
    }
    const top = await paths(deps, tenant.tenantId, { ...PERIOD, limit: 20 });
    expect(top.paths).toEqual([expect.objectContaining({ path: [], orders: 1 })]);
  });

  it('lists a refund beside its order with a negative credit, newest first', async () => {
    const deps = memoryStores();
    const tenant = await record(deps, 'acme', [
      { touches: [{ hour: 10, source: SOURCES[0], campaign: 'spring' }], orders: [{ hour: 150, cents: 10_000, refund: 25, rep: 'rita' }], qualifiedHour: 20 },
    ]);
    const lines = await allOrders(deps, tenant.tenantId, { groupBy: 'campaign', key: 'spring', model: 'last_touch' });
    expect(lines.map((l) => [l.transactionId, l.kind, l.revenue, l.credit])).toEqual([
      ['p0-o0-r', 'refund', -2_500, -2_500],
      ['p0-o0', 'order', 10_000, 10_000],
    ]);
    const byRep = await allOrders(deps, tenant.tenantId, { groupBy: 'rep', key: 'rita' });
    expect(byRep.map((l) => l.credit)).toEqual([-2_500, 10_000]);
  });

  it('lists a row that the model gives nothing with a zero credit: its touches count in the row', async () => {
    const deps = memoryStores();
    const tenant = await record(deps, 'acme', [
      {
        touches: [
          { hour: 10, source: SOURCES[1], campaign: undefined },
          { hour: 20, source: SOURCES[0], campaign: 'brand' },
        ],
        orders: [{ hour: 150, cents: 8_000, refund: undefined, rep: undefined }],
        qualifiedHour: undefined,
      },
    ]);
    const [email] = await allOrders(deps, tenant.tenantId, { groupBy: 'channel', key: 'Email', model: 'last_touch' });
    expect(email).toMatchObject({ credit: 0, conversions: 0 });
    const [linear] = await allOrders(deps, tenant.tenantId, { groupBy: 'channel', key: 'Email', model: 'linear' });
    expect(linear).toMatchObject({ credit: 4_000, conversions: 0.5 });
  });

  it('refuses Markov and Shapley, and a cursor of another row', async () => {
    const deps = memoryStores();
    const buyer = (n: number): Journey => ({
      touches: [{ hour: n, source: SOURCES[0], campaign: 'spring' as const }],
      orders: [{ hour: 100 + n, cents: 100 * n, refund: undefined, rep: undefined }],
      qualifiedHour: undefined,
    });
    const tenant = await record(deps, 'acme', [buyer(1), buyer(2), buyer(3)]);
    await expect(attributionOrders(deps, tenant.tenantId, OrdersQuerySchema.parse({ ...PERIOD, groupBy: 'channel', key: 'Paid Search', model: 'markov' }))).rejects.toMatchObject({
      details: [expect.objectContaining({ path: 'query.model' })],
    });
    const page = await attributionOrders(deps, tenant.tenantId, OrdersQuerySchema.parse({ ...PERIOD, groupBy: 'campaign', key: 'spring', limit: '1' }));
    expect(page.nextCursor).toBeDefined();
    await expect(attributionOrders(deps, tenant.tenantId, OrdersQuerySchema.parse({ ...PERIOD, groupBy: 'channel', key: 'spring', cursor: page.nextCursor }))).rejects.toMatchObject({
      details: [expect.objectContaining({ path: 'query.cursor' })],
    });
  });
});
