import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExportQuerySchema, exportTransactions, summarise } from '../../shared/exports/export.ts';
import { putFxRates } from '../../shared/fx/use-cases.ts';
import type { Identifier } from '../../shared/identity/identity.ts';
import { runRecomputeTask } from '../../shared/jobs/recompute.ts';
import { divert, NO_PERIODS, takeBack } from '../../shared/periods/periods.ts';
import { closePeriod, listPeriods, reopenPeriod } from '../../shared/periods/use-cases.ts';
import { type Contributions, cells, sum } from '../../shared/projection/cells.ts';
import { projectRecords } from '../../shared/projection/use-cases.ts';
import { report } from '../../shared/read-models/reports.ts';
import { funnel } from '../../shared/read-models/views.ts';
import { storeTransaction } from '../../shared/recording/use-cases.ts';
import { importSpendFile, recordSpend } from '../../shared/spend/use-cases.ts';
import type { TenantRecord } from '../../shared/tenants/ports.ts';
import { createTenant, patchConfig } from '../../shared/tenants/use-cases.ts';
import { touch, transaction } from '../support/memory/fixtures.ts';
import { type MemoryStores, memoryStores } from '../support/memory/stores.ts';

/**
 * Months that stay closed (docs/contract.md#closing-a-month), on the
 * in-memory stores: a closed month's figures never move; what would have
 * moved them is posted in the first open month, with its month and reason.
 */

const NOW = new Date('2026-03-05T12:00:00Z');
const now = () => NOW;

async function shop(deps: MemoryStores = memoryStores()) {
  await createTenant(deps.tenants, { tenantId: 'acme', currency: 'EUR', timezone: 'UTC' }, new Date('2025-11-01T00:00:00Z'));
  const tenant = (await deps.tenants.getTenant('acme'))!;
  return { deps, tenant };
}

/** Records as the stream hands them to the projector: a transaction, or a person's touch. */
async function order(deps: MemoryStores, tenant: TenantRecord, input: Parameters<typeof transaction>[0]) {
  const stored = transaction(input);
  await storeTransaction(deps, tenant, stored);
  const groups = await projectRecords(deps, tenant, [{ record: stored.transactionId, trigger: { kind: 'transaction', transaction: { ...stored, orderId: stored.orderId } } }], { now });
  for (const group of groups) if ('error' in group && group.error) throw group.error;
  await deps.projections.applyRollupDeltas(tenant.tenantId);
}

async function click(deps: MemoryStores, tenant: TenantRecord, customerId: string, occurredAt: string, campaign: string) {
  await deps.records.recordTouches(
    tenant.tenantId,
    [touch({ touchId: `${customerId}-${campaign}-${occurredAt}`, occurredAt, person: { customerId }, utm: { source: 'google', medium: 'cpc', campaign } })],
    400,
  );
  const groups = await projectRecords(deps, tenant, [{ record: customerId, trigger: { kind: 'person', identifiers: [`c:${customerId}` as Identifier] } }], { now });
  for (const group of groups) if ('error' in group && group.error) throw group.error;
  await deps.projections.applyRollupDeltas(tenant.tenantId);
}

const reportOf = (deps: MemoryStores, from: string, to: string, model: 'last_touch' | 'linear' = 'last_touch') => report(deps, 'acme', { from, to, model, groupBy: 'campaign' });
const JANUARY = { from: '2026-01-01', to: '2026-01-31' };
const FEBRUARY = { from: '2026-02-01', to: '2026-02-28' };

describe('closing and reopening months', () => {
  it('closes in order from the first month with a transaction, never the current month; reopens only the latest, with a reason', async () => {
    const { deps, tenant } = await shop();
    await order(deps, tenant, { transactionId: 'dec-1', occurredAt: '2025-12-10T10:00:00Z', person: { customerId: 'ana' }, currency: 'EUR', gross: '10.00' });
    await order(deps, tenant, { transactionId: 'jan-1', occurredAt: '2026-01-10T10:00:00Z', person: { customerId: 'ben' }, currency: 'EUR', gross: '20.00' });
    await expect(closePeriod(deps, 'acme', '2025-11', 'finance key …abcd', NOW)).rejects.toThrow(/before the tenant’s first transaction/);
    await expect(closePeriod(deps, 'acme', '2026-01', 'finance key …abcd', NOW)).rejects.toThrow(/close 2025-12 first/);
    await expect(closePeriod(deps, 'acme', '2026-03', 'finance key …abcd', NOW)).rejects.toThrow(/has not ended/);
    await closePeriod(deps, 'acme', '2025-12', 'finance key …abcd', NOW);
    await expect(closePeriod(deps, 'acme', '2025-12', 'finance key …abcd', NOW)).rejects.toThrow(/closed already/);
    const listed = await closePeriod(deps, 'acme', '2026-01', 'admin key …wxyz', NOW);
    expect(listed).toMatchObject({ currentMonth: '2026-03', firstCloseable: '2025-12', closedThrough: '2026-01' });
    expect(listed.months.map((line) => [line.month, line.status, line.version, line.closedBy])).toEqual([
      ['2026-03', 'open', 0, null],
      ['2026-02', 'open', 0, null],
      ['2026-01', 'closed', 1, 'admin key …wxyz'],
      ['2025-12', 'closed', 1, 'finance key …abcd'],
    ]);
    // Reopening December while January is closed: 409; without a reason: 422.
    await expect(reopenPeriod(deps, 'acme', '2025-12', 'typo', 'admin key …wxyz', NOW)).rejects.toMatchObject({ code: 'conflict' });
    await expect(reopenPeriod(deps, 'acme', '2026-01', undefined, 'admin key …wxyz', NOW)).rejects.toMatchObject({ code: 'unprocessable' });
    await expect(reopenPeriod(deps, 'acme', '2026-01', '   ', 'admin key …wxyz', NOW)).rejects.toMatchObject({ code: 'unprocessable' });
    const reopened = await reopenPeriod(deps, 'acme', '2026-01', 'a late invoice', 'admin key …wxyz', NOW);
    expect(reopened.closedThrough).toBe('2025-12');
    const again = await closePeriod(deps, 'acme', '2026-01', 'finance key …abcd', NOW);
    expect(again.months.find((line) => line.month === '2026-01')).toMatchObject({
      status: 'closed',
      version: 2,
      closings: [expect.objectContaining({ version: 1, reason: 'a late invoice', reopenedBy: 'admin key …wxyz' }), expect.objectContaining({ version: 2 })],
    });
    expect((await listPeriods(deps, 'acme', NOW)).closedThrough).toBe('2026-01');
  });
});

describe('a closed month never changes; its changes are posted in the first open month', () => {
  it('a refund dated in closed January, arriving in February: January as closed, −amount in February as late_transaction of 2026-01', async () => {
    const { deps, tenant } = await shop();
    await order(deps, tenant, { transactionId: 'o-1', occurredAt: '2026-01-20T10:00:00Z', person: { customerId: 'ana' }, currency: 'EUR', gross: '85.00' });
    await closePeriod(deps, 'acme', '2026-01', 'finance key …abcd', NOW);
    const closed = await reportOf(deps, JANUARY.from, JANUARY.to);
    await order(deps, tenant, { transactionId: 'r-1', kind: 'refund', orderId: 'o-1', occurredAt: '2026-01-28T10:00:00Z', person: { customerId: 'ana' }, currency: 'EUR', gross: '85.00' });
    expect(await reportOf(deps, JANUARY.from, JANUARY.to)).toEqual(closed);
    const february = await reportOf(deps, FEBRUARY.from, FEBRUARY.to);
    expect(february.totals).toEqual([expect.objectContaining({ currency: 'EUR', revenue: -8_500, adjustments: [{ originalPeriod: '2026-01', reason: 'late_transaction', revenue: -8_500 }] })]);
    const [posted] = await deps.periods.adjustments('acme', '2026-02');
    expect(posted).toMatchObject({ originalPeriod: '2026-01', postedMonth: '2026-02', postedDay: '2026-02-01', reason: 'late_transaction' });
    // Over both months, what Baton would answer had January never closed.
    expect((await reportOf(deps, JANUARY.from, FEBRUARY.to)).totals[0]).toMatchObject({ revenue: 0 });
  });

  it('a refund dated 10 February of a January order is February’s own; January’s funnel keeps its closed figure and February gets the change', async () => {
    const { deps, tenant } = await shop();
    await order(deps, tenant, { transactionId: 'o-1', occurredAt: '2026-01-20T10:00:00Z', person: { customerId: 'ana' }, currency: 'EUR', gross: '85.00' });
    await closePeriod(deps, 'acme', '2026-01', 'finance key …abcd', NOW);
    const closedFunnel = await funnel(deps, 'acme', { ...JANUARY, groupBy: 'channel' });
    await order(deps, tenant, { transactionId: 'r-1', kind: 'refund', orderId: 'o-1', occurredAt: '2026-02-10T10:00:00Z', person: { customerId: 'ana' }, currency: 'EUR', gross: '85.00' });
    expect((await reportOf(deps, FEBRUARY.from, FEBRUARY.to)).totals).toEqual([expect.objectContaining({ revenue: -8_500 })]);
    expect((await reportOf(deps, FEBRUARY.from, FEBRUARY.to)).totals[0]).not.toHaveProperty('adjustments');
    expect(await funnel(deps, 'acme', { ...JANUARY, groupBy: 'channel' })).toEqual(closedFunnel);
    const februaryFunnel = await funnel(deps, 'acme', { ...FEBRUARY, groupBy: 'channel' });
    expect(februaryFunnel.totals.revenue).toEqual([expect.objectContaining({ currency: 'EUR', revenue: -8_500, refunded: 8_500 })]);
    expect((await deps.periods.adjustments('acme', '2026-02')).map((one) => [one.originalPeriod, one.reason])).toEqual([['2026-01', 'late_transaction']]);
  });

  it('a late touch moving a January order from campaign A to B posts −A/+B in February as reattribution; reopening takes it back', async () => {
    const { deps, tenant } = await shop();
    await click(deps, tenant, 'ana', '2026-01-05T10:00:00Z', 'spring');
    await order(deps, tenant, { transactionId: 'o-1', occurredAt: '2026-01-20T10:00:00Z', person: { customerId: 'ana' }, currency: 'EUR', gross: '100.00' });
    await closePeriod(deps, 'acme', '2026-01', 'finance key …abcd', NOW);
    const closed = await reportOf(deps, JANUARY.from, JANUARY.to);
    expect(closed.rows.map((row) => [row.key, row.revenue])).toEqual([['spring', 10_000]]);
    await click(deps, tenant, 'ana', '2026-01-15T10:00:00Z', 'summer');
    expect(await reportOf(deps, JANUARY.from, JANUARY.to)).toEqual(closed);
    const february = await reportOf(deps, FEBRUARY.from, FEBRUARY.to);
    expect(february.rows.map((row) => [row.key, row.revenue])).toEqual([
      ['summer', 10_000],
      ['spring', -10_000],
    ]);
    expect((await deps.periods.adjustments('acme', '2026-02')).map((one) => [one.originalPeriod, one.reason])).toEqual([['2026-01', 'reattribution']]);

    const reopened = await reopenPeriod(deps, 'acme', '2026-01', 'the touch was late', 'admin key …wxyz', NOW);
    expect(reopened.takenBack).toBe(1);
    // The first month ever closed, reopened: none is closed now.
    expect(reopened.closedThrough).toBeNull();
    expect((await reportOf(deps, JANUARY.from, JANUARY.to)).rows.filter((row) => row.revenue !== 0).map((row) => [row.key, row.revenue])).toEqual([['summer', 10_000]]);
    expect((await reportOf(deps, FEBRUARY.from, FEBRUARY.to)).rows.filter((row) => row.revenue !== 0)).toEqual([]);
    expect(await deps.periods.adjustments('acme', '2026-02')).toEqual([]);
  });
});

describe('diverting a change', () => {
  it('keeps a closed day’s cells as they were and moves their change to the posting day; taking it back restores them', () => {
    const delta: Contributions = { 'totals|2026-01-20|EUR': { revenue: -500 }, 'totals|2026-02-03|EUR': { revenue: 200 }, 'linear|2026-01-20|EUR': { 'r|campaign|A': -500 } };
    const state = { ...NO_PERIODS, closedThrough: '2026-01', version: 1 };
    const { delta: written, posted } = divert(delta, state, 'late_transaction');
    expect(written).toEqual({
      'totals|2026-02-01|EUR': { revenue: -500, 'adj|2026-01|late_transaction': -500 },
      'totals|2026-02-03|EUR': { revenue: 200 },
      'linear|2026-02-01|EUR': { 'r|campaign|A': -500 },
    });
    expect(posted).toEqual([{ originalPeriod: '2026-01', cells: { 'totals|2026-01-20|EUR': { revenue: -500 }, 'linear|2026-01-20|EUR': { 'r|campaign|A': -500 } } }]);
    const back = takeBack({ postedDay: '2026-02-01', originalPeriod: '2026-01', reason: 'late_transaction', cells: posted[0]!.cells });
    const after = sum(written, back);
    expect(after).toEqual({ 'totals|2026-01-20|EUR': { revenue: -500 }, 'totals|2026-02-03|EUR': { revenue: 200 }, 'linear|2026-01-20|EUR': { 'r|campaign|A': -500 } });
  });
});

describe('closed figures plus adjustments', () => {
  /** Every cell's attributes summed over its days, adjustment marks left out: what any period covering all of them reads. */
  const overAllDays = (deps: MemoryStores) => {
    const totals = new Map<string, number>();
    for (const [id, attributes] of deps.table.of('acme').rollups) {
      const { family, slice, part } = cells.parse(id);
      for (const [name, value] of Object.entries(attributes)) {
        if (name.startsWith('adj|') || value === 0) continue;
        const key = `${family}/${slice ?? ''}/${part}/${name}`;
        totals.set(key, (totals.get(key) ?? 0) + value);
      }
    }
    return Object.fromEntries([...totals].filter(([, value]) => value !== 0).sort(([a], [b]) => (a < b ? -1 : 1)));
  };
  const dayOfCells = (deps: MemoryStores, month: string) =>
    Object.fromEntries(
      [...deps.table.of('acme').rollups]
        .filter(([id]) => cells.parse(id).day.startsWith(month))
        .map(([id, attributes]) => [id, Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== 0))]),
    );

  it('equal the figures of the same history with nothing closed, for random late facts; the closed month’s cells never move', async () => {
    const fact = fc.oneof(
      fc.record({ kind: fc.constant('order' as const), person: fc.integer({ min: 0, max: 3 }), day: fc.integer({ min: 1, max: 56 }), cents: fc.integer({ min: 1, max: 50_000 }) }),
      fc.record({ kind: fc.constant('touch' as const), person: fc.integer({ min: 0, max: 3 }), day: fc.integer({ min: 1, max: 56 }), campaign: fc.constantFrom('A', 'B', 'C') }),
      fc.record({ kind: fc.constant('refund' as const), of: fc.integer({ min: 0, max: 20 }), day: fc.integer({ min: 1, max: 56 }), percent: fc.integer({ min: 1, max: 100 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fact, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 12 }), async (facts, closeAfter) => {
        const closing = await shop();
        const open = await shop();
        const at = (day: number) => new Date(Date.UTC(2026, 0, day, 10)).toISOString();
        const orders: Array<{ id: string; person: number; day: number; cents: number }> = [];
        let closedSnapshot: Record<string, Record<string, number>> | undefined;
        for (const [index, one] of facts.entries()) {
          if (index === closeAfter && (await closing.deps.projections.firstCountedDay('acme'))?.startsWith('2026-01')) {
            await closePeriod(closing.deps, 'acme', '2026-01', 'finance key …abcd', NOW);
            closedSnapshot = dayOfCells(closing.deps, '2026-01');
          }
          for (const { deps, tenant } of [closing, open]) {
            if (one.kind === 'order') {
              await order(deps, tenant, { transactionId: `o-${index}`, occurredAt: at(one.day), person: { customerId: `p${one.person}` }, currency: 'EUR', gross: (one.cents / 100).toFixed(2) });
            } else if (one.kind === 'touch') {
              await click(deps, tenant, `p${one.person}`, at(one.day), one.campaign);
            } else if (orders.length > 0) {
              const refunded = orders[one.of % orders.length]!;
              const cents = Math.max(1, Math.floor((refunded.cents * one.percent) / 100));
              await order(deps, tenant, {
                transactionId: `r-${index}`,
                kind: 'refund',
                orderId: refunded.id,
                occurredAt: at(Math.max(one.day, refunded.day)),
                person: { customerId: `p${refunded.person}` },
                currency: 'EUR',
                gross: (cents / 100).toFixed(2),
              });
            }
          }
          if (one.kind === 'order') orders.push({ id: `o-${index}`, person: one.person, day: one.day, cents: one.cents });
        }
        expect(overAllDays(closing.deps)).toEqual(overAllDays(open.deps));
        if (closedSnapshot) expect(dayOfCells(closing.deps, '2026-01')).toEqual(closedSnapshot);
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});

describe('a closed month’s export', () => {
  const exported = async (deps: MemoryStores, tenant: TenantRecord, from: string, to: string, flavor: 'raw' | 'excel' = 'raw') => {
    const page = await exportTransactions(deps, tenant, ExportQuerySchema.parse({ from, to, flavor }));
    let text = '';
    for await (const chunk of page.body) text += chunk;
    return text;
  };
  const rowsOf = (text: string) => {
    const [header, ...lines] = text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    const columns = header!.split(',');
    return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [columns[i]!, cell])));
  };

  it('stays byte for byte as it closed; a late refund and a late touch are adjustment lines of February, which sum with its lines to its summary', async () => {
    const { deps, tenant } = await shop();
    await click(deps, tenant, 'ana', '2026-01-05T10:00:00Z', 'spring');
    await order(deps, tenant, { transactionId: 'o-1', occurredAt: '2026-01-20T10:00:00Z', person: { customerId: 'ana' }, currency: 'EUR', gross: '100.00' });
    await order(deps, tenant, { transactionId: 'o-2', occurredAt: '2026-02-03T10:00:00Z', person: { customerId: 'ben' }, currency: 'EUR', gross: '30.00' });
    await closePeriod(deps, 'acme', '2026-01', 'finance key …abcd', NOW);
    const january = { raw: await exported(deps, tenant, JANUARY.from, JANUARY.to), excel: await exported(deps, tenant, JANUARY.from, JANUARY.to, 'excel') };
    expect(rowsOf(january.raw).map((row) => [row.transactionId, row.kind, row.topCampaign, row.originalPeriod])).toEqual([['o-1', 'order', 'spring', '']]);

    await click(deps, tenant, 'ana', '2026-01-15T10:00:00Z', 'summer');
    await order(deps, tenant, { transactionId: 'r-1', kind: 'refund', orderId: 'o-1', occurredAt: '2026-01-28T10:00:00Z', person: { customerId: 'ana' }, currency: 'EUR', gross: '25.00' });
    expect(await exported(deps, tenant, JANUARY.from, JANUARY.to)).toBe(january.raw);
    expect(await exported(deps, tenant, JANUARY.from, JANUARY.to, 'excel')).toBe(january.excel);

    const february = rowsOf(await exported(deps, tenant, FEBRUARY.from, FEBRUARY.to));
    expect(february.map((row) => [row.transactionId, row.kind, row.adjusts, row.day, row.net, row.topCampaign, row.originalPeriod, row.reason])).toEqual([
      ['o-1', 'adjustment', 'order', '2026-02-01', '-10000', 'spring', '2026-01', 'reattribution'],
      ['o-1', 'adjustment', 'order', '2026-02-01', '10000', 'summer', '2026-01', 'reattribution'],
      ['r-1', 'adjustment', 'refund', '2026-02-01', '-2500', 'summer', '2026-01', 'late_transaction'],
      ['o-2', 'order', '', '2026-02-03', '3000', '', '', ''],
    ]);
    const summary = await summarise(deps, tenant, FEBRUARY);
    expect(summary.currencies).toEqual([expect.objectContaining({ currency: 'EUR', orders: 1, net: 3_000, revenue: 3_000 - 2_500, adjustments: expect.objectContaining({ count: 3, net: -2_500 }) })]);
    // The report of February counts the same revenue.
    expect((await reportOf(deps, FEBRUARY.from, FEBRUARY.to)).totals[0]).toMatchObject({ revenue: 3_000 - 2_500 });
  });

  it('once February closes, its adjustment lines are booked: a later change posts only its own difference in March; reopening February takes March’s back', async () => {
    const { deps, tenant } = await shop();
    await click(deps, tenant, 'ana', '2026-01-05T10:00:00Z', 'spring');
    await order(deps, tenant, { transactionId: 'o-1', occurredAt: '2026-01-20T10:00:00Z', person: { customerId: 'ana' }, currency: 'EUR', gross: '100.00' });
    await closePeriod(deps, 'acme', '2026-01', 'finance key …abcd', NOW);
    await click(deps, tenant, 'ana', '2026-01-15T10:00:00Z', 'summer');
    await closePeriod(deps, 'acme', '2026-02', 'finance key …abcd', new Date('2026-03-06T00:00:00Z'));
    const february = await exported(deps, tenant, FEBRUARY.from, FEBRUARY.to);
    expect(rowsOf(february).map((row) => [row.kind, row.net, row.topCampaign])).toEqual([
      ['adjustment', '-10000', 'spring'],
      ['adjustment', '10000', 'summer'],
    ]);
    await click(deps, tenant, 'ana', '2026-01-18T10:00:00Z', 'winter');
    expect(await exported(deps, tenant, FEBRUARY.from, FEBRUARY.to)).toBe(february);
    const march = rowsOf(await exported(deps, tenant, '2026-03-01', '2026-03-31'));
    expect(march.map((row) => [row.kind, row.net, row.topCampaign, row.originalPeriod, row.reason])).toEqual([
      ['adjustment', '-10000', 'summer', '2026-01', 'reattribution'],
      ['adjustment', '10000', 'winter', '2026-01', 'reattribution'],
    ]);
    // The books over January to March, lines and adjustments: one order of 100.00, under winter.
    const all = rowsOf(await exported(deps, tenant, JANUARY.from, '2026-03-31'));
    const byCampaign = new Map<string, number>();
    for (const row of all) byCampaign.set(row.topCampaign!, (byCampaign.get(row.topCampaign!) ?? 0) + Number(row.net));
    expect(Object.fromEntries([...byCampaign].filter(([, net]) => net !== 0))).toEqual({ winter: 10_000 });
  });

  it('reopening January brings its changes back into it and out of February', async () => {
    const { deps, tenant } = await shop();
    await order(deps, tenant, { transactionId: 'o-1', occurredAt: '2026-01-20T10:00:00Z', person: { customerId: 'ana' }, currency: 'EUR', gross: '100.00' });
    await closePeriod(deps, 'acme', '2026-01', 'finance key …abcd', NOW);
    await order(deps, tenant, { transactionId: 'r-1', kind: 'refund', orderId: 'o-1', occurredAt: '2026-01-28T10:00:00Z', person: { customerId: 'ana' }, currency: 'EUR', gross: '100.00' });
    expect(rowsOf(await exported(deps, tenant, FEBRUARY.from, FEBRUARY.to)).map((row) => row.kind)).toEqual(['adjustment']);
    await reopenPeriod(deps, 'acme', '2026-01', 'refund booked late', 'admin key …wxyz', NOW);
    expect(rowsOf(await exported(deps, tenant, JANUARY.from, JANUARY.to)).map((row) => [row.transactionId, row.kind])).toEqual([
      ['o-1', 'order'],
      ['r-1', 'refund'],
    ]);
    expect(rowsOf(await exported(deps, tenant, FEBRUARY.from, FEBRUARY.to))).toEqual([]);
  });
});

describe('a closed month’s spend', () => {
  const file = (cost: string) => new TextEncoder().encode(`Date,Campaign,Cost,Currency\n2026-01-10,spring,${cost},EUR\n`);
  const query = { profile: 'generic' as const, account: 'ads' };
  const costOf = async (deps: MemoryStores, from: string, to: string) => (await reportOf(deps, from, to)).totals.find((total) => total.currency === 'EUR')?.cost ?? 0;

  it('a re-import adding 50.00 to January shows in February as a spend restatement; January’s cost and ROAS stay; reopening folds it back', async () => {
    const { deps, tenant } = await shop();
    await order(deps, tenant, { transactionId: 'o-1', occurredAt: '2026-01-20T10:00:00Z', person: { customerId: 'ana' }, currency: 'EUR', gross: '100.00' });
    await importSpendFile(deps, 'acme', file('20.00'), query);
    await closePeriod(deps, 'acme', '2026-01', 'finance key …abcd', NOW);
    const closed = await reportOf(deps, JANUARY.from, JANUARY.to);
    expect(closed.totals[0]).toMatchObject({ cost: 2_000, roas: 5 });

    const again = await importSpendFile(deps, 'acme', file('70.00'), query);
    expect(again.warnings).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/1 line of closed months changed: the difference is posted in 2026-02 as spend_restatement/) }));
    expect(await reportOf(deps, JANUARY.from, JANUARY.to)).toEqual(closed);
    expect(await costOf(deps, FEBRUARY.from, FEBRUARY.to)).toBe(5_000);
    // The same file again restates nothing more; a lower figure restates down.
    await importSpendFile(deps, 'acme', file('70.00'), query);
    expect(await costOf(deps, FEBRUARY.from, FEBRUARY.to)).toBe(5_000);
    await importSpendFile(deps, 'acme', file('60.00'), query);
    expect(await costOf(deps, FEBRUARY.from, FEBRUARY.to)).toBe(4_000);
    expect(await costOf(deps, JANUARY.from, FEBRUARY.to)).toBe(6_000);

    await reopenPeriod(deps, 'acme', '2026-01', 'the platform restated January', 'admin key …wxyz', NOW);
    expect(await costOf(deps, JANUARY.from, JANUARY.to)).toBe(6_000);
    expect(await costOf(deps, FEBRUARY.from, FEBRUARY.to)).toBe(0);
  });

  it('a figure posted to POST /v1/spend for a closed day is a restatement too; an older report of it changes nothing', async () => {
    const { deps, tenant } = await shop();
    await order(deps, tenant, { transactionId: 'o-1', occurredAt: '2026-01-20T10:00:00Z', person: { customerId: 'ana' }, currency: 'EUR', gross: '100.00' });
    const post = (amount: string, reportedAt: string) => recordSpend(deps, 'acme', [{ date: '2026-01-10', campaign: 'spring', currency: 'EUR', amount, reportedAt }]);
    await post('10.00', '2026-01-11T00:00:00Z');
    await closePeriod(deps, 'acme', '2026-01', 'finance key …abcd', NOW);
    expect(await post('15.00', '2026-02-02T00:00:00Z')).toMatchObject({ accepted: 1 });
    expect(await post('99.00', '2026-01-05T00:00:00Z')).toMatchObject({ stale: 1 });
    expect(await costOf(deps, JANUARY.from, JANUARY.to)).toBe(1_000);
    expect(await costOf(deps, FEBRUARY.from, FEBRUARY.to)).toBe(500);
  });
});

describe('a rate edit of a closed month', () => {
  it('is converted again by the reconvert job and posted in the first open month as fx_rate; the closed month keeps its figures', async () => {
    const deps = memoryStores();
    await createTenant(deps.tenants, { tenantId: 'acme', currency: 'EUR', timezone: 'UTC' }, new Date('2026-09-01T00:00:00Z'));
    await patchConfig(deps.tenants, 'acme', { reportingCurrency: 'USD' });
    const tenant = (await deps.tenants.getTenant('acme'))!;
    await deps.fxRates.put('acme', [{ day: '2026-10-20', base: 'EUR', quote: 'USD', rate: '1.10' }]);
    const stored = transaction({ transactionId: 'o-1', occurredAt: '2026-10-20T10:00:00Z', person: { customerId: 'ana' }, currency: 'EUR', gross: '100.00' });
    await storeTransaction(deps, tenant, stored);
    await projectRecords(deps, tenant, [{ record: 'o-1', trigger: { kind: 'transaction', transaction: stored } }]);
    await closePeriod(deps, 'acme', '2026-10', 'finance key …abcd');
    const inUsd = (from: string, to: string) => report(deps, 'acme', { from, to, groupBy: 'channel', currency: 'reporting' });
    const october = await inUsd('2026-10-01', '2026-10-31');
    expect(october.totals[0]).toMatchObject({ currency: 'USD', revenue: 11_000 });

    const edit = await putFxRates(deps, 'acme', { json: [{ day: '2026-10-20', base: 'EUR', quote: 'USD', rate: '1.12' }] });
    expect(edit.jobs).toHaveLength(1);
    for (const task of deps.queue.drain()) await runRecomputeTask(deps, task);
    expect(await inUsd('2026-10-01', '2026-10-31')).toEqual(october);
    expect((await inUsd('2026-11-01', '2026-11-30')).totals[0]).toMatchObject({ currency: 'USD', revenue: 200, adjustments: [{ originalPeriod: '2026-10', reason: 'fx_rate', revenue: 200 }] });
  });
});

describe('the README’s worked example: closing January', () => {
  it('keeps January as closed and posts the late touch, refund and spend in February; January plus February are the never-closed figures', async () => {
    const { deps, tenant } = await shop();
    const spendFile = (cost: string) => new TextEncoder().encode(`Date,Campaign,Cost,Currency\n2026-01-10,spring,${cost},EUR\n`);
    await click(deps, tenant, 'ana', '2026-01-05T10:00:00Z', 'spring');
    await order(deps, tenant, { transactionId: 'o-1', occurredAt: '2026-01-20T10:00:00Z', person: { customerId: 'ana' }, currency: 'EUR', gross: '100.00' });
    await importSpendFile(deps, 'acme', spendFile('20.00'), { profile: 'generic', account: 'ads' });
    const january = await reportOf(deps, JANUARY.from, JANUARY.to);
    expect(january.rows.map((row) => [row.key, row.revenue])).toEqual([['spring', 10_000]]);
    expect(january.totals[0]).toMatchObject({ cost: 2_000, roas: 5 });
    const periods = await closePeriod(deps, 'acme', '2026-01', 'finance key …abcd', NOW);
    expect(periods.months.find((line) => line.month === '2026-01')).toMatchObject({ status: 'closed', version: 1, closedBy: 'finance key …abcd' });
    const exportOf = async (from: string, to: string) => {
      let text = '';
      for await (const chunk of (await exportTransactions(deps, tenant, ExportQuerySchema.parse({ from, to }))).body) text += chunk;
      return text;
    };
    const januaryExport = await exportOf(JANUARY.from, JANUARY.to);

    await click(deps, tenant, 'ana', '2026-01-15T10:00:00Z', 'summer');
    await order(deps, tenant, { transactionId: 'r-1', kind: 'refund', orderId: 'o-1', occurredAt: '2026-01-28T10:00:00Z', person: { customerId: 'ana' }, currency: 'EUR', gross: '25.00' });
    await importSpendFile(deps, 'acme', spendFile('70.00'), { profile: 'generic', account: 'ads' });

    expect(await exportOf(JANUARY.from, JANUARY.to)).toBe(januaryExport);
    expect(await reportOf(deps, JANUARY.from, JANUARY.to)).toEqual(january);
    const february = await reportOf(deps, FEBRUARY.from, FEBRUARY.to);
    expect(february.rows.filter((row) => row.revenue !== 0).map((row) => [row.key, row.revenue])).toEqual([
      ['summer', 10_000 - 2_500],
      ['spring', -10_000],
    ]);
    expect(february.totals[0]).toMatchObject({
      revenue: -2_500,
      cost: 5_000,
      adjustments: [{ originalPeriod: '2026-01', reason: 'late_transaction', revenue: -2_500 }],
    });
    const both = await reportOf(deps, JANUARY.from, FEBRUARY.to);
    expect(both.rows.filter((row) => row.revenue !== 0).map((row) => [row.key, row.revenue])).toEqual([['summer', 7_500]]);
    expect(both.totals[0]).toMatchObject({ revenue: 7_500, cost: 7_000 });

    await reopenPeriod(deps, 'acme', '2026-01', 'late facts', 'admin key …wxyz', NOW);
    const again = await closePeriod(deps, 'acme', '2026-01', 'finance key …abcd', NOW);
    expect(again.months.find((line) => line.month === '2026-01')).toMatchObject({ status: 'closed', version: 2 });
    expect((await reportOf(deps, JANUARY.from, JANUARY.to)).totals[0]).toMatchObject({ revenue: 7_500, cost: 7_000 });
    expect((await reportOf(deps, FEBRUARY.from, FEBRUARY.to)).totals).toEqual([]);
  });
});
