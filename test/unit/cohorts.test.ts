import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HEURISTIC_MODELS } from '../../shared/attribution/models.ts';
import type { Identifier } from '../../shared/identity/identity.ts';
import { type Contributions, cells, sum } from '../../shared/projection/cells.ts';
import { type OrderInput, type PersonInput, projectPerson } from '../../shared/projection/person.ts';
import type { RollupCell } from '../../shared/projection/ports.ts';
import { ALL_CUSTOMERS, CohortQuerySchema, cohorts, cohortsCsv } from '../../shared/read-models/cohorts.ts';
import { normaliseTouch, type TouchInput } from '../../shared/recording/touches.ts';
import type { SpendEntry } from '../../shared/spend/spend.ts';
import { type AttributionConfig, defaultAttributionConfig } from '../../shared/tenants/attribution-config.ts';
import type { TenantRecord } from '../../shared/tenants/ports.ts';
import { dayOf } from '../../shared/time/days.ts';

const ZONE = 'America/New_York';

function person(id: string, touches: Array<Partial<TouchInput> & { occurredAt: string }>, orders: Array<Partial<OrderInput> & { occurredAt: string }>): PersonInput {
  const who = { customerId: id };
  return {
    identifiers: [`c:${id}` as Identifier],
    touches: touches.map((touch, i) => normaliseTouch({ touchId: `${id}-t${i}`, person: who, kind: 'click', ...touch } as TouchInput)),
    stages: [],
    orders: orders.map((order, i) => ({ transactionId: `${id}-o${i}`, currency: 'USD', net: 1_000, salesChannel: 'online_store', adjustments: [], ...order })),
  };
}
const ad = (occurredAt: string, campaign: string) => ({ occurredAt, utm: { source: 'google', medium: 'cpc', campaign } });
const refund = (transactionId: string, occurredAt: string, net: number) => ({
  transactionId,
  kind: 'refund' as const,
  occurredAt,
  counted: { gross: net, discount: 0, net, tax: 0, shipping: 0, total: net },
});
const spendOf = (day: string, campaign: string, amount: number): SpendEntry => ({
  day,
  campaign,
  currency: 'USD',
  amount,
  channel: 'Paid Search',
  sourceMedium: 'google / cpc',
  reportedAt: '2026-08-01T00:00:00.000Z',
});

/** GET /v1/cohorts over what these people's projections add to the cohort cells, as a store would hold them. */
function cohortsOf(people: readonly PersonInput[], spend: SpendEntry[] = [], overrides: Partial<AttributionConfig> = {}, now = '2026-08-15T12:00:00Z') {
  const config = { ...defaultAttributionConfig(ZONE), ...overrides };
  const settings = { config, configFor: () => config, dayOf: (instant: string | number) => dayOf(instant, ZONE) };
  const contributions: Contributions = sum(...people.map((one) => projectPerson(one, settings).contributions));
  const tenant = { tenantId: 'acme', config, cursorKey: 'k'.repeat(64) } as unknown as TenantRecord;
  const deps = {
    now: () => new Date(now),
    tenants: { getTenant: async () => tenant } as never,
    spend: { spendBetween: async (_tenantId: string, from: string, to: string) => ({ posted: spend.filter((line) => line.day >= from && line.day <= to), imported: [] }) } as never,
    campaigns: { campaigns: async () => [] },
    fxRates: { between: async () => [] },
    projections: {
      rollupCells: async (_tenantId: string, family: string, from: string, to: string, slice?: string): Promise<RollupCell[]> =>
        Object.entries(contributions)
          .map(([id, attributes]) => ({ ...cells.parse(id), attributes }))
          .filter((cell) => cell.family === family && cell.slice === slice && cell.day >= from && cell.day <= to)
          .map(({ day, part, attributes }) => ({ day, part, attributes })),
      droppedBatons: async () => ({ batons: [] }),
    },
  };
  return (query: Record<string, string>) => cohorts(deps, 'acme', CohortQuerySchema.parse({ from: '2026-03', to: '2026-08', months: '6', ...query }));
}

// 23:30 on April 30th in New York is May 1st in UTC: ana's cohort is April.
const ana = person(
  'ana',
  [ad('2026-04-29T12:00:00-04:00', 'spring')],
  [
    { occurredAt: '2026-04-30T23:30:00-04:00', net: 600 },
    { occurredAt: '2026-05-15T12:00:00-04:00', net: 300 },
    { occurredAt: '2026-06-10T12:00:00-04:00', net: 600 },
    { occurredAt: '2026-07-05T12:00:00-04:00', net: 600 },
  ],
);
// Two orders in May: both in month 0; a repeat customer.
const ben = person(
  'ben',
  [ad('2026-05-01T12:00:00-04:00', 'summer')],
  [
    { occurredAt: '2026-05-03T12:00:00-04:00', net: 1_500 },
    { occurredAt: '2026-05-20T12:00:00-04:00', net: 500 },
  ],
);
// A first order fully refunded two months later: the curve dips, the cohort stays.
const cleo = person(
  'cleo',
  [ad('2026-05-09T12:00:00-04:00', 'autumn')],
  [{ occurredAt: '2026-05-10T12:00:00-04:00', net: 4_000, adjustments: [refund('cleo-r', '2026-07-02T12:00:00-04:00', 4_000)] }],
);
// A linear first order with two campaigns: half a customer of each.
const dan = person('dan', [ad('2026-06-01T12:00:00-04:00', 'spring'), ad('2026-06-02T12:00:00-04:00', 'summer')], [{ occurredAt: '2026-06-03T12:00:00-04:00', net: 1_001 }]);
// Orders in EUR, then in USD: only the EUR ones count toward the value.
const eve = person(
  'eve',
  [ad('2026-06-04T12:00:00-04:00', 'summer')],
  [
    { occurredAt: '2026-06-05T12:00:00-04:00', net: 2_000, currency: 'EUR' },
    { occurredAt: '2026-07-05T12:00:00-04:00', net: 700, currency: 'USD' },
  ],
);
// Pays back exactly: cumulative 20.00 against a CAC of 20.00 in month 1.
const fay = person(
  'fay',
  [ad('2026-03-02T12:00:00-05:00', 'exact')],
  [
    { occurredAt: '2026-03-03T12:00:00-05:00', net: 1_200 },
    { occurredAt: '2026-04-03T12:00:00-04:00', net: 800 },
  ],
);
const WORLD = [ana, ben, cleo, dan, eve, fay];
const SPEND = [spendOf('2026-04-10', 'spring', 2_000), spendOf('2026-03-10', 'exact', 2_000), spendOf('2026-04-11', 'winter', 5_000)];

describe('cohorts (docs/contract.md#cohorts): a hand-computed world', () => {
  it('dates a customer by the first order’s month in the tenant’s zone, and reaches payback when cumulative value per customer meets the CAC', async () => {
    const answer = await cohortsOf(WORLD, SPEND)({ groupBy: 'campaign', model: 'linear' });
    const row = (cohort: string, key: string, currency = 'USD') => answer.rows.find((one) => one.cohort === cohort && one.key === key && one.currency === currency);
    // ana: 6, 9, 15, 21 against 20.00: payback in month 3; 2026-08 is month 4, the current month, still counting
    expect(row('2026-04', 'spring')).toEqual({
      cohort: '2026-04',
      key: 'spring',
      currency: 'USD',
      customers: 1,
      spend: 2_000,
      cac: 2_000,
      repeatRate: 1,
      crossCurrencyOrders: 0,
      revenue: [600, 300, 600, 600, 0, null],
      cumulativePerCustomer: [600, 900, 1_500, 2_100, 2_100, null],
      paybackMonth: 3,
      partialOffset: 4,
    });
    // exactly 20.00 at month 1 pays back at month 1
    expect(row('2026-03', 'exact')).toMatchObject({ customers: 1, cac: 2_000, cumulativePerCustomer: [1_200, 2_000, 2_000, 2_000, 2_000, 2_000], paybackMonth: 1, partialOffset: 5 });
    // two orders in May are both month 0; the refund two months later dips the curve and leaves the customer counted
    expect(row('2026-05', 'summer')).toMatchObject({ customers: 1, repeatRate: 1, revenue: [2_000, 0, 0, 0, null, null], paybackMonth: null, cac: null });
    expect(row('2026-05', 'autumn')).toMatchObject({ customers: 1, repeatRate: 0, revenue: [4_000, 0, -4_000, 0, null, null], cumulativePerCustomer: [4_000, 4_000, 0, 0, null, null] });
    // half a customer of each campaign, the order split exactly
    expect(row('2026-06', 'spring')).toMatchObject({ customers: 0.5, revenue: [501, 0, 0, null, null, null], cumulativePerCustomer: [1_002, 1_002, 1_002, null, null, null] });
    expect(row('2026-06', 'summer')).toMatchObject({ customers: 0.5, revenue: [500, 0, 0, null, null, null], cumulativePerCustomer: [1_000, 1_000, 1_000, null, null, null] });
    // EUR first: the USD order is counted apart, not in the value
    expect(row('2026-06', 'summer', 'EUR')).toMatchObject({ customers: 1, revenue: [2_000, 0, 0, null, null, null], crossCurrencyOrders: 1, repeatRate: 1 });
    // spend without customers: shown, no CAC
    expect(row('2026-04', 'winter')).toMatchObject({ customers: 0, spend: 5_000, cac: null, repeatRate: null, paybackMonth: null });
  });

  it('answers one row per cohort and currency under groupBy=none, with all of the month’s spend', async () => {
    const answer = await cohortsOf(WORLD, SPEND)({ groupBy: 'none' });
    expect(answer.rows.filter((row) => row.currency === 'USD').map((row) => [row.cohort, row.key, row.customers, row.spend])).toEqual([
      ['2026-03', ALL_CUSTOMERS, 1, 2_000],
      ['2026-04', ALL_CUSTOMERS, 1, 7_000],
      ['2026-05', ALL_CUSTOMERS, 2, 0],
      ['2026-06', ALL_CUSTOMERS, 1, 0],
    ]);
    expect(answer).toMatchObject({ model: 'last_non_direct', basis: 'revenue', currentMonth: '2026-08', months: 6 });
  });

  it('shows margin per customer and pays back on margin once the tenant sets grossMarginPercent', async () => {
    const answer = await cohortsOf(WORLD, SPEND, { grossMarginPercent: 50 })({ groupBy: 'campaign', model: 'linear' });
    const spring = answer.rows.find((row) => row.cohort === '2026-04' && row.key === 'spring')!;
    expect(answer.basis).toBe('margin');
    expect(spring.marginPerCustomer).toEqual([300, 450, 750, 1_050, 1_050, null]);
    expect(spring.paybackMonth).toBeNull();
  });

  it('leaves out data-driven models with a reason, and writes CSV with the offsets as columns', async () => {
    await expect(cohortsOf(WORLD)({ model: 'markov' })).rejects.toMatchObject({ code: 'invalid_request' });
    const answer = await cohortsOf(WORLD, SPEND)({ groupBy: 'campaign', model: 'linear', from: '2026-04', to: '2026-04' });
    const [header, ...lines] = cohortsCsv(answer).trim().split('\r\n');
    expect(header).toBe(
      'cohort,key,currency,customers,spend,cac,repeatRate,crossCurrencyOrders,paybackMonth,paybackBasis,partialOffset,revenue_m0,revenue_m1,revenue_m2,revenue_m3,revenue_m4,revenue_m5,cumulativePerCustomer_m0,cumulativePerCustomer_m1,cumulativePerCustomer_m2,cumulativePerCustomer_m3,cumulativePerCustomer_m4,cumulativePerCustomer_m5',
    );
    expect(lines[0]).toBe('2026-04,spring,USD,1,2000,2000,1,0,3,revenue,4,600,300,600,600,0,,600,900,1500,2100,2100,');
  });

  it('refuses a period in the wrong order or longer than 36 months, and months outside 1–36', () => {
    expect(CohortQuerySchema.safeParse({ from: '2026-05', to: '2026-04' }).success).toBe(false);
    expect(CohortQuerySchema.safeParse({ from: '2023-01', to: '2026-01' }).success).toBe(false);
    expect(CohortQuerySchema.safeParse({ from: '2026-01', to: '2026-02', months: '37' }).success).toBe(false);
    expect(CohortQuerySchema.safeParse({ from: '2026-13', to: '2026-12' }).success).toBe(false);
  });
});

describe('cohorts add up', () => {
  const MONTHS = ['2026-01', '2026-02', '2026-03', '2026-04'];
  const instant = fc
    .record({ month: fc.integer({ min: 0, max: 3 }), day: fc.integer({ min: 1, max: 28 }), hour: fc.integer({ min: 0, max: 23 }) })
    .map(({ month, day, hour }) => `${MONTHS[month]}-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`);
  const customer = fc.record({
    touches: fc.array(fc.record({ at: instant, campaign: fc.constantFrom('a', 'b', 'c') }), { maxLength: 3 }),
    orders: fc.array(fc.record({ at: instant, net: fc.integer({ min: 1, max: 90_000 }), refund: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }) }), { minLength: 1, maxLength: 4 }),
  });

  it('per model: customers over keys is the number of customers, and revenue over offsets is what their orders brought less refunds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(customer, { minLength: 1, maxLength: 6 }), async (customers) => {
        const people = customers.map((one, i) =>
          person(
            `p${i}`,
            one.touches.map((touch) => ad(touch.at, touch.campaign)),
            one.orders.map((order, j) => ({
              occurredAt: order.at,
              net: order.net,
              adjustments: order.refund ? [refund(`p${i}-r${j}`, order.at, Math.floor((order.net * order.refund) / 100))] : [],
            })),
          ),
        );
        const brought = customers.reduce((total, one) => total + one.orders.reduce((sumOf, order) => sumOf + order.net - (order.refund ? Math.floor((order.net * order.refund) / 100) : 0), 0), 0);
        const ask = cohortsOf(people, [], {}, '2026-12-15T00:00:00Z');
        for (const model of HEURISTIC_MODELS) {
          for (const groupBy of ['none', 'campaign', 'channel', 'source_medium']) {
            const answer = await ask({ from: '2025-12', to: '2026-04', months: '12', model, groupBy });
            expect(Math.round(answer.rows.reduce((total, row) => total + row.customers, 0) * 1_000) / 1_000).toBe(customers.length);
            expect(answer.rows.reduce((total, row) => total + row.revenue.reduce<number>((sumOf, amount) => sumOf + (amount ?? 0), 0), 0)).toBe(brought);
          }
        }
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});
