import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HEURISTIC_MODELS } from '../../shared/attribution/models.ts';
import { ExportQuerySchema, exportTransactions, summarise } from '../../shared/exports/export.ts';
import { converterFor } from '../../shared/fx/converter.ts';
import type { FxRate } from '../../shared/fx/rates.ts';
import type { Identifier } from '../../shared/identity/identity.ts';
import { type Contributions, cells, reportingPart, sum } from '../../shared/projection/cells.ts';
import { type OrderInput, type PersonInput, projectPerson } from '../../shared/projection/person.ts';
import type { RollupCell } from '../../shared/projection/ports.ts';
import { refreshPerson } from '../../shared/projection/use-cases.ts';
import { cohorts } from '../../shared/read-models/cohorts.ts';
import { compare, report } from '../../shared/read-models/reports.ts';
import { decodeCell } from '../../shared/read-models/rollups.ts';
import { funnel, salesReport } from '../../shared/read-models/views.ts';
import { normaliseTouch, type TouchInput } from '../../shared/recording/touches.ts';
import { storeTransaction } from '../../shared/recording/use-cases.ts';
import { type AttributionConfig, defaultAttributionConfig } from '../../shared/tenants/attribution-config.ts';
import type { TenantRecord } from '../../shared/tenants/ports.ts';
import { createTenant, patchConfig } from '../../shared/tenants/use-cases.ts';
import { dayOf } from '../../shared/time/days.ts';
import { id, transaction } from '../support/memory/fixtures.ts';
import { type MemoryStores, memoryStores } from '../support/memory/stores.ts';

/**
 * One reporting currency (docs/contract.md#one-reporting-currency): the
 * projection converts every fact once, at its order's day's rate, into
 * cells of its own; the views read them with `currency=reporting`.
 */

const rate = (day: string, base: string, quote: string, value: string): FxRate => ({ day, base, quote, rate: value });

function person(id: string, orders: Array<Partial<OrderInput> & { occurredAt: string }>, touches: Array<Partial<TouchInput> & { occurredAt: string }> = []): PersonInput {
  const who = { customerId: id };
  return {
    identifiers: [`c:${id}` as Identifier],
    touches: touches.map((touch, i) => normaliseTouch({ touchId: `${id}-t${i}`, person: who, kind: 'click', ...touch } as TouchInput)),
    stages: [],
    orders: orders.map((order, i) => ({ transactionId: `${id}-o${i}`, currency: 'EUR', net: 8_500, salesChannel: 'online_store', adjustments: [], ...order })),
  };
}

const ad = (occurredAt: string, campaign: string) => ({ occurredAt, utm: { source: 'google', medium: 'cpc', campaign } });
const refund = (transactionId: string, occurredAt: string, net: number) => ({
  transactionId,
  kind: 'refund' as const,
  occurredAt,
  counted: { gross: net, discount: 0, net, tax: 0, shipping: 0, total: net },
});

async function project(people: readonly PersonInput[], rates: readonly FxRate[], overrides: Partial<AttributionConfig> = {}) {
  const config: AttributionConfig = { ...defaultAttributionConfig('UTC'), reportingCurrency: 'USD', ...overrides };
  const tenant = { tenantId: 'acme', config, cursorKey: 'k'.repeat(64) } as unknown as TenantRecord;
  const fxRates = { between: async (_tenantId: string, from: string, to: string) => rates.filter((one) => one.day >= from && one.day <= to) };
  const reporting = await converterFor(fxRates, tenant, '2025-01-01', '2027-12-31');
  const settings = { config, configFor: () => config, dayOf: (instant: string | number) => dayOf(instant, 'UTC'), ...(reporting ? { reporting } : {}) };
  const projections = people.map((one) => projectPerson(one, settings));
  const contributions: Contributions = sum(...projections.map((projection) => projection.contributions));
  const deps = {
    tenants: { getTenant: async () => tenant } as never,
    spend: { spendBetween: async () => ({ posted: [], imported: [] }) } as never,
    campaigns: { campaigns: async () => [] },
    fxRates,
    now: () => new Date('2026-12-31T00:00:00Z'),
    projections: {
      rollupCells: async (_tenantId: string, family: string, from: string, to: string, slice?: string): Promise<RollupCell[]> =>
        Object.entries(contributions)
          .map(([id, attributes]) => ({ ...cells.parse(id), attributes }))
          .filter((cell) => cell.family === family && cell.day >= from && cell.day <= to && (slice === undefined || cell.slice === slice))
          .map(({ day, part, attributes }) => ({ day, part, attributes })),
      droppedBatons: async () => ({ batons: [] }),
    },
  };
  return { projections, contributions, deps };
}

const totalOf = (contributions: Contributions, part: string) =>
  Object.entries(contributions)
    .filter(([id]) => cells.parse(id).family === 'totals' && cells.parse(id).part === part)
    .reduce((total, [, attributes]) => total + (attributes.revenue ?? 0), 0);

describe('an order converted once, at its day’s rate', () => {
  it('85.00 EUR at 1.18 refunded when the rate is 1.29 nets to 0.00 USD: the refund takes its order’s rate', async () => {
    const buyer = person('a', [{ occurredAt: '2026-01-15T10:00:00Z', adjustments: [refund('r1', '2026-02-10T10:00:00Z', 8_500)] }]);
    const { projections, contributions } = await project([buyer], [rate('2026-01-15', 'EUR', 'USD', '1.18'), rate('2026-02-10', 'EUR', 'USD', '1.29')]);
    const amounts = projections[0]!.orders['a-o0']!.reporting!;
    expect(amounts['a-o0']).toEqual({ currency: 'USD', rate: '1.18', rateDay: '2026-01-15', net: 10_030, total: 10_030 });
    expect(amounts.r1).toEqual({ currency: 'USD', rate: '1.18', rateDay: '2026-01-15', net: 10_030, total: 10_030 });
    expect(totalOf(contributions, reportingPart('USD'))).toBe(0);
    // Each currency's own figures are as they were: the twin is beside them.
    expect(totalOf(contributions, 'EUR')).toBe(0);
  });

  it('a Saturday order takes Friday’s rate; a rate 8 days old is missing and listed, never counted as 0 or 1', async () => {
    const rates = [rate('2026-03-06', 'EUR', 'USD', '1.10')];
    const saturday = person('s', [{ occurredAt: '2026-03-07T12:00:00Z', net: 1_000 }]);
    const late = person('l', [{ occurredAt: '2026-03-14T12:00:00Z', net: 2_000 }]);
    const { deps, projections } = await project([saturday, late], rates);
    expect(projections[0]!.orders['s-o0']!.reporting!['s-o0']).toMatchObject({ rate: '1.1', rateDay: '2026-03-06', net: 1_100 });
    expect(projections[1]!.orders['l-o0']!.reporting!['l-o0']).toEqual({ currency: 'USD', missing: true, rateDay: '2026-03-14' });
    const answer = await report(deps, 'acme', { from: '2026-03-01', to: '2026-03-31', model: 'linear', groupBy: 'channel', currency: 'reporting' });
    expect(answer.reportingCurrency).toBe('USD');
    expect(answer.totals).toEqual([expect.objectContaining({ currency: 'USD', revenue: 1_100, transactions: 1 })]);
    expect(answer.missingRates).toEqual([{ currency: 'EUR', day: '2026-03-14', amount: 2_000, source: 'transactions' }]);
  });

  it('three 0.01 EUR orders at 1.5 are 2 + 2 + 2 cents: each fact is rounded (half even), then summed', async () => {
    const people = ['x', 'y', 'z'].map((id) => person(id, [{ occurredAt: '2026-04-01T09:00:00Z', net: 1 }]));
    const { deps } = await project(people, [rate('2026-04-01', 'EUR', 'USD', '1.5')]);
    const answer = await report(deps, 'acme', { from: '2026-04-01', to: '2026-04-01', model: 'last_touch', groupBy: 'channel', currency: 'reporting' });
    expect(answer.totals[0]).toMatchObject({ currency: 'USD', revenue: 6 });
  });

  it('every view answers in the reporting currency when asked, and in each currency’s own otherwise', async () => {
    const people = [
      person('eu', [{ occurredAt: '2026-05-04T09:00:00Z', net: 10_000 }], [ad('2026-05-01T09:00:00Z', 'spring')]),
      person('uk', [{ occurredAt: '2026-05-05T09:00:00Z', net: 10_000, currency: 'GBP' }], [ad('2026-05-02T09:00:00Z', 'spring')]),
      person('us', [{ occurredAt: '2026-05-05T10:00:00Z', net: 5_000, currency: 'USD' }], [ad('2026-05-03T09:00:00Z', 'autumn')]),
    ];
    const rates = [rate('2026-05-04', 'EUR', 'USD', '1.1'), rate('2026-05-05', 'EUR', 'USD', '1.12'), rate('2026-05-05', 'EUR', 'GBP', '0.8')];
    const { deps } = await project(people, rates);
    const period = { from: '2026-05-01', to: '2026-05-31' };
    // GBP→USD crosses through EUR: 100.00 GBP = 125.00 EUR = 140.00 USD.
    const native = await report(deps, 'acme', { ...period, model: 'last_touch', groupBy: 'campaign' });
    expect(native.totals.map((total) => total.currency)).toEqual(['EUR', 'GBP', 'USD']);
    expect(native).not.toHaveProperty('reportingCurrency');
    const converted = await report(deps, 'acme', { ...period, model: 'last_touch', groupBy: 'campaign', currency: 'reporting' });
    expect(converted.rows).toEqual([
      expect.objectContaining({ key: 'spring', currency: 'USD', revenue: 11_000 + 14_000 }),
      expect.objectContaining({ key: 'autumn', currency: 'USD', revenue: 5_000 }),
    ]);
    expect(converted.totals).toEqual([expect.objectContaining({ currency: 'USD', revenue: 30_000, transactions: 3 })]);
    expect(converted.missingRates).toEqual([]);

    const models = await compare(deps, 'acme', { ...period, groupBy: 'channel', currency: 'reporting' });
    for (const model of HEURISTIC_MODELS) expect(models.models[model]!.reduce((total, row) => total + row.revenue, 0)).toBe(30_000);
    const sales = await salesReport(deps, 'acme', { ...period, groupBy: 'sales_channel', currency: 'reporting' });
    expect(sales.rows).toEqual([expect.objectContaining({ key: 'online_store', currency: 'USD', revenue: 30_000 })]);
    const acquired = await funnel(deps, 'acme', { ...period, groupBy: 'campaign', currency: 'reporting' });
    expect(acquired.totals.revenue).toEqual([expect.objectContaining({ currency: 'USD', revenue: 30_000, ordered: 30_000 })]);
    expect((await funnel(deps, 'acme', { ...period, groupBy: 'campaign' })).totals.revenue.map((line) => line.currency)).toEqual(['EUR', 'GBP', 'USD']);
    const byCohort = await cohorts(deps, 'acme', { from: '2026-05', to: '2026-05', groupBy: 'none', months: 2, currency: 'reporting' });
    expect(byCohort.rows).toEqual([expect.objectContaining({ cohort: '2026-05', currency: 'USD', customers: 3, revenue: [30_000, 0] })]);
  });

  it('currency=reporting without a reporting currency is a clear 400, not a guess', async () => {
    const { deps } = await project([], [], { reportingCurrency: null });
    await expect(report(deps, 'acme', { from: '2026-05-01', to: '2026-05-31', groupBy: 'channel', currency: 'reporting' })).rejects.toThrow(/reportingCurrency/);
  });
});

describe('the reporting twin’s credits', () => {
  it('sum to the converted revenue to the cent under every model, for random journeys, amounts and rates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ net: fc.integer({ min: 0, max: 5_000_000 }), touches: fc.integer({ min: 0, max: 5 }), refunded: fc.integer({ min: 0, max: 100 }) }), { minLength: 1, maxLength: 6 }),
        fc.stringMatching(/^[1-9]\.\d{1,6}$/),
        async (orders, value) => {
          const people = orders.map((order, i) =>
            person(
              `p${i}`,
              [{ occurredAt: '2026-06-10T12:00:00Z', net: order.net, adjustments: order.refunded ? [refund(`p${i}-r`, '2026-06-20T12:00:00Z', Math.floor((order.net * order.refunded) / 100))] : [] }],
              Array.from({ length: order.touches }, (_, t) => ad(`2026-06-0${t + 1}T12:00:00Z`, `c${t}`)),
            ),
          );
          const { contributions } = await project(people, [rate('2026-06-10', 'EUR', 'USD', value)]);
          const twin = reportingPart('USD');
          const total = totalOf(contributions, twin);
          for (const model of HEURISTIC_MODELS) {
            let credited = 0;
            let unattributed = 0;
            for (const [id, attributes] of Object.entries(contributions)) {
              const cell = cells.parse(id);
              if (cell.part !== twin) continue;
              if (cell.family === model)
                for (const [attribute, amount] of decodeCell(model, { attributes })) if (attribute.measure === 'revenue' && attribute.groupBy === 'channel') credited += amount;
              if (cell.family === 'totals') unattributed += attributes.unattributed ?? 0;
            }
            expect(credited + unattributed).toBe(total);
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 30_000);
});

describe('the export in the reporting currency (in-memory stores, as the projector runs)', () => {
  async function shop() {
    const deps = memoryStores();
    await createTenant(deps.tenants, { tenantId: 'acme', currency: 'EUR', timezone: 'Europe/Berlin' }, new Date('2026-01-01T00:00:00Z'));
    await patchConfig(deps.tenants, 'acme', { reportingCurrency: 'USD' });
    const tenant = (await deps.tenants.getTenant('acme'))!;
    await deps.fxRates.put('acme', [rate('2026-01-15', 'EUR', 'USD', '1.18'), rate('2026-02-10', 'EUR', 'USD', '1.29')]);
    const buyer = { customerId: 'ana' };
    await storeTransaction(deps, tenant, transaction({ transactionId: 'o-1', occurredAt: '2026-01-15T10:00:00Z', person: buyer, currency: 'EUR', gross: '85.00', tax: '5.00' }));
    await storeTransaction(
      deps,
      tenant,
      transaction({ transactionId: 'r-1', kind: 'refund', orderId: 'o-1', occurredAt: '2026-02-10T10:00:00Z', person: buyer, currency: 'EUR', gross: '85.00', tax: '5.00' }),
    );
    await storeTransaction(deps, tenant, transaction({ transactionId: 'o-2', occurredAt: '2026-02-20T10:00:00Z', person: { customerId: 'ben' }, currency: 'CHF', gross: '10.00' }));
    await refreshPerson(deps, tenant, [id('c:ana')]);
    await refreshPerson(deps, tenant, [id('c:ben')]);
    return { deps, tenant };
  }

  const exportOf = async (deps: MemoryStores, tenant: TenantRecord) => {
    const page = await exportTransactions(deps, tenant, ExportQuerySchema.parse({ from: '2026-01-01', to: '2026-02-28' }), new Date('2026-12-01T00:00:00Z'));
    let text = '';
    for await (const chunk of page.body) text += chunk;
    const [header, ...lines] = text.trimEnd().split('\r\n');
    const columns = header!.split(',');
    return lines.map((line) => Object.fromEntries(line.split(',').map((cell, index) => [columns[index], cell])));
  };

  it('gains reportingCurrency, rate, rateDay, reportingNet and reportingTotal; a refund at its order’s rate; a missing rate leaves them empty', async () => {
    const { deps, tenant } = await shop();
    const rows = await exportOf(deps, tenant);
    const pick = (row: Record<string, string>) => [row.transactionId, row.reportingCurrency, row.rate, row.rateDay, row.reportingNet, row.reportingTotal, row.reportingNetDecimal];
    expect(rows.map(pick)).toEqual([
      ['o-1', 'USD', '1.18', '2026-01-15', '10030', '10620', '100.30'],
      ['r-1', 'USD', '1.18', '2026-01-15', '10030', '10620', '100.30'],
      ['o-2', 'USD', '', '2026-02-20', '', '', ''],
    ]);
    const summary = await summarise(deps, tenant, { from: '2026-01-01', to: '2026-02-28', currency: 'reporting' });
    expect(summary.reporting).toMatchObject({ currency: 'USD', orders: 1, refunds: 1, net: 20_060, total: 21_240, revenue: 0 });
    expect(summary.missingRates).toEqual([{ currency: 'CHF', day: '2026-02-20', amount: 1_000, source: 'transactions' }]);
    // Without currency=reporting the summary is as it was.
    expect(await summarise(deps, tenant, { from: '2026-01-01', to: '2026-02-28' })).not.toHaveProperty('reporting');
  });

  it('a rate supplied later converts what was missing once its order is projected again (PUT /v1/fx-rates starts that job)', async () => {
    const { deps, tenant } = await shop();
    await deps.fxRates.put('acme', [rate('2026-02-20', 'EUR', 'CHF', '0.94'), rate('2026-02-20', 'EUR', 'USD', '1.04')]);
    await refreshPerson(deps, tenant, [id('c:ben')]);
    const row = (await exportOf(deps, tenant)).find((one) => one.transactionId === 'o-2')!;
    // CHF→USD through EUR: 10.00 CHF ÷ 0.94 × 1.04 = 11.0638… USD
    expect([row.rate, row.rateDay, row.reportingNet]).toEqual(['1.106382978723', '2026-02-20', '1106']);
    expect((await summarise(deps, tenant, { from: '2026-01-01', to: '2026-02-28', currency: 'reporting' })).missingRates).toEqual([]);
  });
});
