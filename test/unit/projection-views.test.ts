import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HEURISTIC_MODELS } from '../../shared/attribution/models.ts';
import type { Identifier } from '../../shared/identity/identity.ts';
import { type Contributions, cells, lagBucket, pathLengthBucket, sum } from '../../shared/projection/cells.ts';
import { type DroppedBaton, type OrderInput, type PersonInput, projectPerson } from '../../shared/projection/person.ts';
import type { RollupCell } from '../../shared/projection/ports.ts';
import { report } from '../../shared/read-models/reports.ts';
import { funnel, handoffs, paths, salesReport } from '../../shared/read-models/views.ts';
import { normaliseStage, type StageInput } from '../../shared/recording/stages.ts';
import { normaliseTouch, type TouchInput } from '../../shared/recording/touches.ts';
import { type AttributionConfig, defaultAttributionConfig } from '../../shared/tenants/attribution-config.ts';
import type { TenantRecord } from '../../shared/tenants/ports.ts';
import { dayOf } from '../../shared/time/days.ts';

const HOUR = 3_600_000;
const at = (iso: string, hours = 0) => new Date(Date.parse(iso) + hours * HOUR).toISOString();

/** A person from touches, stages and orders given briefly. */
function person(
  id: string,
  history: { touches?: Array<Partial<TouchInput> & { occurredAt: string }>; stages?: Array<Omit<StageInput, 'person'>>; orders?: Array<Partial<OrderInput> & { occurredAt: string }> },
): PersonInput {
  const who = { customerId: id };
  return {
    identifiers: [`c:${id}` as Identifier],
    touches: (history.touches ?? []).map((touch, i) => normaliseTouch({ touchId: `${id}-t${i}`, person: who, kind: 'click', ...touch } as TouchInput)),
    stages: (history.stages ?? []).map((stage) => normaliseStage({ person: who, ...stage } as StageInput)),
    orders: (history.orders ?? []).map((order, i) => ({ transactionId: `${id}-o${i}`, currency: 'USD', net: 10_000, salesChannel: 'online_store', adjustments: [], ...order })),
  };
}

const ad = (occurredAt: string, campaign: string, source = 'google', medium = 'cpc') => ({ occurredAt, utm: { source, medium, campaign } });
const direct = (occurredAt: string) => ({ occurredAt, kind: 'visit' as const });
const call = (occurredAt: string, rep = 'alice') => ({ occurredAt, kind: 'sales_call' as const, rep });

/** The views over what these people's projections add to the rollups: the cells a store would hold. */
function viewsOf(people: readonly PersonInput[], overrides: Partial<AttributionConfig> = {}, now = '2026-12-31T00:00:00Z', cancelledOut: readonly PersonInput[] = []) {
  const config = { ...defaultAttributionConfig('UTC'), ...overrides };
  const settings = { config, configFor: () => config, dayOf: (instant: string | number) => dayOf(instant, 'UTC') };
  const projected = people.map((one) => ({ one, projection: projectPerson(one, settings) }));
  const contributions: Contributions = sum(...projected.map(({ projection }) => projection.contributions));
  // What a store holds after a history was replaced: DynamoDB's ADD leaves its attributes in the cells, at 0.
  for (const [id, attributes] of Object.entries(sum(...cancelledOut.map((one) => projectPerson(one, settings).contributions)))) {
    for (const name of Object.keys(attributes)) (contributions[id] ??= {})[name] ??= 0;
  }
  const dropped: Array<DroppedBaton & { identifiers: Identifier[]; personKey: Identifier }> = projected.flatMap(({ one, projection }) =>
    projection.dropped.map((baton) => ({ ...baton, identifiers: one.identifiers, personKey: one.identifiers[0]! })),
  );
  const tenant = { tenantId: 'acme', config, cursorKey: 'k'.repeat(64) } as unknown as TenantRecord;
  const deps = {
    tenants: { getTenant: async () => tenant } as never,
    spend: { spendBetween: async () => ({ posted: [], imported: [] }) } as never,
    campaigns: { campaigns: async () => [] },
    fxRates: { between: async () => [] },
    projections: {
      rollupCells: async (_tenantId: string, family: string, from: string, to: string): Promise<RollupCell[]> =>
        Object.entries(contributions)
          .map(([id, attributes]) => ({ ...cells.parse(id), attributes }))
          .filter((cell) => cell.family === family && cell.day >= from && cell.day <= to)
          .map(({ day, part, attributes }) => ({ day, part, attributes })),
      droppedBatons: async (_tenantId: string, range: { from: string; to: string; now: string }) => ({
        batons: dropped.filter((baton) => baton.qualifiedAt >= range.from && baton.qualifiedAt < range.to && baton.deadline < range.now).sort((a, b) => (a.qualifiedAt < b.qualifiedAt ? -1 : 1)),
      }),
    },
  };
  const period = (from: string, to: string) => ({ from, to });
  return {
    funnel: (from = '2026-11-01', to = '2026-11-30', groupBy: 'campaign' | 'channel' | 'source_medium' = 'campaign') => funnel(deps, 'acme', { ...period(from, to), groupBy }),
    handoffs: (from = '2026-11-01', to = '2026-11-30') => handoffs(deps, 'acme', period(from, to), new Date(now)),
    sales: (groupBy: 'rep' | 'sales_channel' = 'rep', from = '2026-11-01', to = '2026-11-30') => salesReport(deps, 'acme', { ...period(from, to), groupBy }),
    paths: (from = '2026-11-01', to = '2026-11-30') => paths(deps, 'acme', { ...period(from, to), limit: 50 }),
    report: (model: (typeof HEURISTIC_MODELS)[number], from = '2026-11-01', to = '2026-11-30') => report(deps, 'acme', { ...period(from, to), model, groupBy: 'campaign' }),
  };
}

const rowOf = async (views: ReturnType<typeof viewsOf>, key: string, groupBy: 'campaign' | 'channel' | 'source_medium' = 'campaign', from?: string, to?: string) =>
  (await views.funnel(from, to, groupBy)).rows.find((row) => row.key === key);

describe('the funnel’s rules (docs/contract.md#the-funnel)', () => {
  it('acquires at the first of lead, qualified and first order, on that day', async () => {
    const views = viewsOf([
      person('p', { touches: [ad('2026-11-01T10:00:00Z', 'a')], orders: [{ occurredAt: '2026-11-05T10:00:00Z' }], stages: [{ stage: 'lead', occurredAt: '2026-11-10T10:00:00Z' }] }),
    ]);
    expect((await rowOf(views, 'a', 'campaign', '2026-11-05', '2026-11-05'))?.acquired).toBe(1);
    expect(await rowOf(views, 'a', 'campaign', '2026-11-06', '2026-11-30')).toBeUndefined();
    expect((await views.funnel('2026-11-06', '2026-11-30')).totals.acquired).toBe(0);
  });

  it.each([
    ['the last marketing touch at or before the acquisition', [ad('2026-11-01T10:00:00Z', 'a'), ad('2026-11-02T10:00:00Z', 'b')], 'b'],
    ['not Direct when there is another', [ad('2026-11-01T10:00:00Z', 'a'), direct('2026-11-02T10:00:00Z')], 'a'],
    ['Direct when it is the only one', [direct('2026-11-02T10:00:00Z')], '(none)'],
    ['none beyond the lookback (30 days)', [ad('2026-10-01T09:00:00Z', 'old')], '(none)'],
    ['none after the acquisition', [ad('2026-11-04T10:00:00Z', 'late')], '(none)'],
    ['never a sales touch', [call('2026-11-02T10:00:00Z')], '(none)'],
  ])('acquiring touch: %s', async (_rule, touches, key) => {
    const views = viewsOf([person('p', { touches, stages: [{ stage: 'lead', occurredAt: '2026-11-03T10:00:00Z' }] })]);
    const answer = await views.funnel();
    expect(answer.rows.filter((row) => row.acquired > 0).map((row) => row.key)).toEqual([key]);
  });

  it('groups by channel and by source / medium too', async () => {
    const views = viewsOf([person('p', { touches: [ad('2026-11-01T10:00:00Z', 'a', 'newsletter', 'email')], stages: [{ stage: 'lead', occurredAt: '2026-11-03T10:00:00Z' }] })]);
    expect((await rowOf(views, 'Email', 'channel'))?.acquired).toBe(1);
    expect((await rowOf(views, 'newsletter / email', 'source_medium'))?.acquired).toBe(1);
  });

  it('leaves out a currency whose figures cancelled out (a late record moved the order away): as if it had never been there', async () => {
    const before = person('p', { touches: [ad('2026-11-01T10:00:00Z', 'a')], stages: [{ stage: 'lead', occurredAt: '2026-11-02T10:00:00Z' }], orders: [{ occurredAt: '2026-11-03T10:00:00Z' }] });
    const now = person('p', { touches: [ad('2026-11-01T10:00:00Z', 'a')], stages: [{ stage: 'lead', occurredAt: '2026-11-02T10:00:00Z' }] });
    const [leftovers, clean] = [viewsOf([now], {}, undefined, [before]), viewsOf([now])];
    const row = await rowOf(leftovers, 'a');
    expect(row).toMatchObject({ leads: 1, orders: 0, revenue: [], refundRate: null });
    expect(row).toEqual(await rowOf(clean, 'a'));
    expect(await leftovers.funnel()).toEqual(await clean.funnel());
    expect(await leftovers.sales()).toEqual(await clean.sales());
    expect(await leftovers.paths()).toEqual(await clean.paths());
    expect(await leftovers.report('linear')).toEqual(await clean.report('linear'));
  });

  it('counts the latest disqualification’s reason only', async () => {
    const views = viewsOf([
      person('p', {
        touches: [ad('2026-11-01T10:00:00Z', 'a')],
        stages: [
          { stage: 'lead', occurredAt: '2026-11-02T10:00:00Z' },
          { stage: 'disqualified', reason: 'no_budget', occurredAt: '2026-11-03T10:00:00Z' },
          { stage: 'disqualified', reason: 'wrong_fit', occurredAt: '2026-11-04T10:00:00Z' },
        ],
      }),
    ]);
    expect((await rowOf(views, 'a'))?.disqualified).toEqual({ no_budget: 0, no_interest: 0, wrong_fit: 1, unreachable: 0, other: 0 });
  });

  it('counts outcomes whenever they happen, in the acquisition’s row', async () => {
    const views = viewsOf([
      person('p', {
        touches: [ad('2026-11-01T10:00:00Z', 'a')],
        stages: [{ stage: 'lead', occurredAt: '2026-11-02T10:00:00Z' }],
        orders: [
          {
            occurredAt: '2026-11-20T10:00:00Z',
            net: 5_000,
            adjustments: [{ transactionId: 'r1', kind: 'refund', occurredAt: '2026-11-25T10:00:00Z', counted: { gross: 1_000, discount: 0, tax: 0, shipping: 0, net: 1_000, total: 1_000 } }],
          },
          { occurredAt: '2026-11-21T10:00:00Z', net: 5_000 },
        ],
      }),
    ]);
    expect(await rowOf(views, 'a', 'campaign', '2026-11-01', '2026-11-02')).toMatchObject({
      acquired: 1,
      leads: 1,
      customers: 1,
      orders: 2,
      revenue: [{ currency: 'USD', revenue: 9_000, ordered: 10_000, refunded: 1_000, refundRate: 0.1 }],
      refundRate: 0.1,
    });
  });

  it('reaches each person once per key, on the day of their first touch of it', async () => {
    const views = viewsOf([person('p', { touches: [ad('2026-10-31T10:00:00Z', 'a'), ad('2026-11-02T10:00:00Z', 'a'), ad('2026-11-03T10:00:00Z', 'a'), ad('2026-11-03T11:00:00Z', 'b')] })]);
    expect(await rowOf(views, 'a')).toMatchObject({ acquired: 0, touches: 2, peopleReached: 0 });
    expect(await rowOf(views, 'b')).toMatchObject({ touches: 1, peopleReached: 1 });
    expect(await rowOf(views, 'a', 'campaign', '2026-10-01', '2026-11-30')).toMatchObject({ touches: 3, peopleReached: 1 });
  });
});

describe('the handoff’s SLA edges (docs/contract.md#the-handoff)', () => {
  const qualified = '2026-11-03T10:00:00Z';
  const handoffOf = async (touches: Array<Partial<TouchInput> & { occurredAt: string }>, orders: Array<Partial<OrderInput> & { occurredAt: string }> = [], now?: string) => {
    const views = viewsOf([person('p', { touches: [ad('2026-11-01T10:00:00Z', 'a'), ...touches], stages: [{ stage: 'qualified', occurredAt: qualified }], orders })], {}, now);
    return views.handoffs();
  };

  it('reached exactly at the SLA is within it', async () => {
    expect(await handoffOf([call(at(qualified, 24))])).toMatchObject({ qualified: 1, contacted: 1, withinSla: 1, dropped: [] });
  });

  it('reached a minute later is contacted, not within it, and a dropped baton', async () => {
    const answer = await handoffOf([call(at(qualified, 24 + 1 / 60))]);
    expect(answer).toMatchObject({ qualified: 1, contacted: 1, withinSla: 0 });
    expect(answer.dropped).toEqual([{ identifiers: ['c:p'], qualifiedAt: '2026-11-03T10:00:00.000Z', deadline: '2026-11-04T10:00:00.000Z', acquiringCampaign: 'a' }]);
  });

  it('a sales touch before the qualification is H: reached at once', async () => {
    expect(await handoffOf([call(at(qualified, -5))])).toMatchObject({ contacted: 1, withinSla: 1, medianHours: 0.5 });
  });

  it('never reached but bought: not dropped', async () => {
    expect(await handoffOf([], [{ occurredAt: at(qualified, 48) }])).toMatchObject({ contacted: 0, withinSla: 0, dropped: [] });
  });

  it('not dropped before its deadline has passed', async () => {
    expect((await handoffOf([], [], at(qualified, 23))).dropped).toEqual([]);
    expect((await handoffOf([], [], at(qualified, 25))).dropped).toHaveLength(1);
  });

  it('follows handoffSlaHours', async () => {
    const views = viewsOf([person('p', { touches: [call(at(qualified, 30))], stages: [{ stage: 'qualified', occurredAt: qualified }] })], { handoffSlaHours: 48 });
    expect(await views.handoffs()).toMatchObject({ slaHours: 48, withinSla: 1, dropped: [] });
  });
});

describe('paths and histogram buckets (docs/contract.md#reading-attribution)', () => {
  it.each([
    [0, '0'],
    [1, '1'],
    [10, '10'],
    [11, '11+'],
    [40, '11+'],
  ])('%i touches → path length bucket %s', (touches, bucket) => expect(pathLengthBucket(touches)).toBe(bucket));

  it.each([
    [0, '0'],
    [0.99, '0'],
    [1, '1'],
    [1.99, '1'],
    [2, '2-3'],
    [3.99, '2-3'],
    [4, '4-7'],
    [7.99, '4-7'],
    [8, '8-14'],
    [14.99, '8-14'],
    [15, '15-30'],
    [30.99, '15-30'],
    [31, '31+'],
  ])('%f days → time lag bucket %s', (days, bucket) => expect(lagBucket(days)).toBe(bucket));

  it('counts an order’s journey as collapseRepeats leaves it', async () => {
    const touches = [
      ad('2026-11-01T10:00:00Z', 'a'),
      ad('2026-11-02T10:00:00Z', 'b'),
      { occurredAt: '2026-11-03T10:00:00Z', kind: 'email_click' as const, utm: { source: 'newsletter', medium: 'email' } },
    ];
    const one = person('p', { touches, orders: [{ occurredAt: '2026-11-05T10:00:00Z' }] });
    expect((await viewsOf([one]).paths()).paths).toEqual([{ path: ['Paid Search', 'Paid Search', 'Email'], orders: 1, revenue: [{ currency: 'USD', amount: 10_000 }] }]);
    const collapsed = await viewsOf([one], { collapseRepeats: true }).paths();
    expect(collapsed.paths).toEqual([{ path: ['Paid Search', 'Email'], orders: 1, revenue: [{ currency: 'USD', amount: 10_000 }] }]);
    expect(collapsed.timeLags.find((bucket) => bucket.days === '4-7')?.orders).toBe(1);
  });
});

// ---- properties over random people

const DAYS = Array.from({ length: 30 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`);
const instant = fc.record({ day: fc.constantFrom(...DAYS), hour: fc.integer({ min: 0, max: 23 }) }).map(({ day, hour }) => `${day}T${String(hour).padStart(2, '0')}:00:00Z`);
const touchArb = fc.oneof(
  fc.record({ occurredAt: instant, utm: fc.record({ source: fc.constantFrom('google', 'bing', 'newsletter'), medium: fc.constantFrom('cpc', 'email'), campaign: fc.constantFrom('a', 'b', 'c') }) }),
  fc.record({ occurredAt: instant, kind: fc.constant('visit' as const) }),
  fc.record({ occurredAt: instant, kind: fc.constant('sales_call' as const), rep: fc.constantFrom('alice', 'bob') }),
);
const stageArb = fc.oneof(
  fc.record({ stage: fc.constantFrom('lead' as const, 'qualified' as const), occurredAt: instant }),
  fc.record({ stage: fc.constant('disqualified' as const), reason: fc.constantFrom('no_budget' as const, 'other' as const), occurredAt: instant }),
);
const orderArb = fc.record({
  occurredAt: instant,
  net: fc.integer({ min: 0, max: 100_000 }),
  currency: fc.constantFrom('USD', 'EUR'),
  refund: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
});
const peopleArb = fc.array(fc.record({ touches: fc.array(touchArb, { maxLength: 6 }), stages: fc.array(stageArb, { maxLength: 3 }), orders: fc.array(orderArb, { maxLength: 3 }) }), {
  minLength: 1,
  maxLength: 12,
});
const periodArb = fc.tuple(fc.integer({ min: 0, max: 29 }), fc.integer({ min: 0, max: 29 })).map(([a, b]) => ({ from: DAYS[Math.min(a, b)]!, to: DAYS[Math.max(a, b)]! }));

type History = {
  touches: Array<Partial<TouchInput> & { occurredAt: string }>;
  stages: Array<Omit<StageInput, 'person'>>;
  orders: Array<{ occurredAt: string; net: number; currency: string; refund?: number | undefined }>;
};

function randomPeople(histories: readonly History[]): PersonInput[] {
  return histories.map((history, i) =>
    person(`p${i}`, {
      touches: history.touches,
      stages: history.stages,
      orders: history.orders.map((order, j) => ({
        occurredAt: order.occurredAt,
        net: order.net,
        currency: order.currency,
        adjustments: order.refund
          ? [
              {
                transactionId: `p${i}-r${j}`,
                kind: 'refund' as const,
                occurredAt: at(order.occurredAt, 1),
                counted: { gross: 0, discount: 0, tax: 0, shipping: 0, net: Math.floor((order.net * order.refund) / 100), total: 0 },
              },
            ]
          : [],
      })),
    }),
  );
}

describe('properties of the views over random people', () => {
  it('the funnel’s acquired sums to the people acquired in the period, under every grouping', async () => {
    await fc.assert(
      fc.asyncProperty(peopleArb, periodArb, async (histories, { from, to }) => {
        const people = randomPeople(histories);
        const acquiredIn = people.filter((one) => {
          const times = [...one.stages.filter((stage) => stage.stage !== 'disqualified').map((stage) => stage.occurredAt), ...one.orders.map((order) => order.occurredAt)].sort();
          return times[0] !== undefined && times[0].slice(0, 10) >= from && times[0].slice(0, 10) <= to;
        }).length;
        const views = viewsOf(people);
        for (const groupBy of ['campaign', 'channel', 'source_medium'] as const) {
          const answer = await views.funnel(from, to, groupBy);
          expect(answer.rows.reduce((total, row) => total + row.acquired, 0)).toBe(acquiredIn);
          expect(answer.totals.acquired).toBe(acquiredIn);
        }
      }),
      { numRuns: 150 },
    );
  }, 30_000);

  it('the sales report and every model’s attribution report sum to the period’s revenue, per currency', async () => {
    await fc.assert(
      fc.asyncProperty(peopleArb, periodArb, async (histories, { from, to }) => {
        const views = viewsOf(randomPeople(histories));
        for (const groupBy of ['rep', 'sales_channel'] as const) {
          const sales = await views.sales(groupBy, from, to);
          for (const total of sales.totals) {
            expect(sales.rows.filter((row) => row.currency === total.currency).reduce((sumOf, row) => sumOf + row.revenue, 0)).toBe(total.revenue);
          }
          const currencies = new Set(sales.rows.map((row) => row.currency));
          for (const currency of currencies) expect(sales.totals.some((total) => total.currency === currency)).toBe(true);
        }
        const sales = await views.sales('rep', from, to);
        for (const model of HEURISTIC_MODELS) {
          const answer = await views.report(model, from, to);
          expect(answer.totals.map((total) => [total.currency, total.revenue])).toEqual(sales.totals.map((total) => [total.currency, total.revenue]));
          for (const total of answer.totals) {
            const rows = answer.rows.filter((row) => row.currency === total.currency).reduce((sumOf, row) => sumOf + row.revenue, 0);
            expect(rows + total.unattributed).toBe(total.revenue);
          }
        }
      }),
      { numRuns: 100 },
    );
  }, 30_000);
});
