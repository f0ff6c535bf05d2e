import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDemoStore } from '../../scripts/demo/send.ts';
import { demoStore } from '../../scripts/demo/store.ts';
import { openWarehouse, type Row } from '../../scripts/warehouse/local.ts';
import { runLocalExport } from '../../scripts/warehouse/program.ts';
import { HEURISTIC_MODELS } from '../../shared/attribution/models.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { WAREHOUSE_TABLE_NAMES, WAREHOUSE_TABLES } from '../../shared/warehouse/tables.ts';
import { newTenant, TestApi } from '../support/api.ts';

// A store's data through the real API (signed webhooks, the browser's touches) with the stream's consumers
// running, the warehouse's change recorder among them; then the export as the schedule runs it, and the same
// views Athena runs, in DuckDB over the files, against the API's own figures.

const TIMEZONE = 'Europe/Berlin';
let api: TestApi;
let shop: CreatedTenant;
let directory: string;
let period: { from: string; to: string };
/** When the export runs: every window recorded so far has ended more than the lag ago. */
const later = () => new Date(Date.now() + 60 * 60_000);

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'baton-warehouse-'));
  api = await TestApi.start({ events: true, warehouse: true });
  shop = await newTenant({ currency: 'EUR', timezone: TIMEZONE });
  // Enough shoppers that, whatever the hour, several channels earn revenue (6 days of 8 left one channel at some hours).
  const store = demoStore({ days: 8, visitorsPerDay: 12, until: new Date(), timezone: TIMEZONE });
  await sendDemoStore({ url: api.runtime.url, tenant: shop }, store);
  await api.settle();
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE }).format(new Date());
  period = { from: new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE }).format(new Date(Date.now() - 10 * 86_400_000)), to: today };
  await runLocalExport(directory, later());
}, 120_000);

afterAll(async () => {
  await api?.close();
  rmSync(directory, { recursive: true, force: true });
});

async function sql(query: string): Promise<Row[]> {
  const warehouse = await openWarehouse(directory);
  try {
    return await warehouse.query(query);
  } finally {
    warehouse.close();
  }
}

const inPeriod = () => `t.local_day BETWEEN '${period.from}' AND '${period.to}'`;

describe('the warehouse export through the API (SPEC §15)', () => {
  it('sums, in the views, to the report’s rows and totals under every heuristic model', async () => {
    for (const model of HEURISTIC_MODELS) {
      const report = await api.read(`/v1/attribution/report?from=${period.from}&to=${period.to}&model=${model}&groupBy=channel`, shop.keys.marketing);
      const credited = await sql(
        `SELECT c.channel AS key, c.currency, CAST(sum(c.credit_minor) AS BIGINT) AS revenue
         FROM credits_current c JOIN transactions_current t ON t.tenant = c.tenant AND t.transaction_id = c.transaction_id
         WHERE c.tenant = '${shop.tenantId}' AND t.tenant = '${shop.tenantId}' AND c.model = '${model}' AND ${inPeriod()}
         GROUP BY c.channel, c.currency`,
      );
      const byKey = new Map(credited.map((row) => [`${row.key}|${row.currency}`, Number(row.revenue)]));
      const rows = (report.rows as Array<{ key: string; currency: string; revenue: number }>).filter((row) => row.revenue !== 0);
      expect(rows.length).toBeGreaterThan(1);
      for (const row of rows) expect(byKey.get(`${row.key}|${row.currency}`), `${model} ${row.key}`).toBe(row.revenue);
      for (const totals of report.totals as Array<{ currency: string; revenue: number; unattributed: number }>) {
        const [sums] = await sql(
          `SELECT CAST(sum(c.credit_minor) AS BIGINT) AS revenue, CAST(sum(CASE WHEN c.touch_id IS NULL THEN c.credit_minor ELSE 0 END) AS BIGINT) AS unattributed
           FROM credits_current c JOIN transactions_current t ON t.tenant = c.tenant AND t.transaction_id = c.transaction_id
           WHERE c.tenant = '${shop.tenantId}' AND t.tenant = '${shop.tenantId}' AND c.model = '${model}' AND c.currency = '${totals.currency}' AND ${inPeriod()}`,
        );
        expect({ model, revenue: Number(sums!.revenue), unattributed: Number(sums!.unattributed) }).toEqual({ model, revenue: totals.revenue, unattributed: totals.unattributed });
      }
      // daily_current: the same rows, day by day, and each currency's total.
      const daily = await sql(
        `SELECT dimension, key, currency, CAST(sum(revenue_minor) AS BIGINT) AS revenue, sum(conversions) AS conversions
         FROM daily_current WHERE tenant = '${shop.tenantId}' AND model = '${model}' AND dimension IN ('channel', 'total') AND local_day BETWEEN '${period.from}' AND '${period.to}'
         GROUP BY dimension, key, currency`,
      );
      const dailyRows = new Map(daily.filter((row) => row.dimension === 'channel').map((row) => [`${row.key}|${row.currency}`, row]));
      for (const row of report.rows as Array<{ key: string; currency: string; revenue: number; conversions: number }>) {
        expect(Number(dailyRows.get(`${row.key}|${row.currency}`)?.revenue ?? 0), `daily ${model} ${row.key}`).toBe(row.revenue);
        expect(Number(dailyRows.get(`${row.key}|${row.currency}`)?.conversions ?? 0)).toBeCloseTo(row.conversions, 6);
      }
      for (const totals of report.totals as Array<{ currency: string; revenue: number }>) {
        expect(Number(daily.find((row) => row.dimension === 'total' && row.currency === totals.currency)?.revenue)).toBe(totals.revenue);
      }
    }
  });

  it('holds the finance export’s lines: their sums per currency are the export summary’s', async () => {
    const summary = await api.read(`/v1/exports/transactions/summary?from=${period.from}&to=${period.to}`, shop.keys.finance);
    const sums = await sql(
      `SELECT t.currency, count(*) AS lines, CAST(sum(t.gross_minor) AS BIGINT) AS gross, CAST(sum(t.net_minor) AS BIGINT) AS net, CAST(sum(t.total_minor) AS BIGINT) AS total
       FROM transactions_current t WHERE t.tenant = '${shop.tenantId}' AND ${inPeriod()} GROUP BY t.currency ORDER BY t.currency`,
    );
    expect(summary.currencies.length).toBeGreaterThan(0);
    expect(sums.map((row) => ({ currency: row.currency, gross: Number(row.gross), net: Number(row.net), total: Number(row.total) }))).toEqual(
      (summary.currencies as Array<{ currency: string; gross: number; net: number; total: number }>).map(({ currency, gross, net, total }) => ({ currency, gross, net, total })),
    );
  });

  it('has each order’s credits as the API’s attribution of it, and no person’s identifier in any file', async () => {
    const [order] = await sql(`SELECT transaction_id FROM transactions_current t WHERE t.tenant = '${shop.tenantId}' AND kind = 'order' AND sourced_by = 'marketing' ORDER BY transaction_id LIMIT 1`);
    const attribution = await api.read(`/v1/transactions/${order!.transaction_id}/attribution`, shop.keys.marketing);
    const credits = await sql(`SELECT model, touch_id, credit_minor FROM credits_current WHERE tenant = '${shop.tenantId}' AND transaction_id = '${order!.transaction_id}' AND touch_id IS NOT NULL`);
    for (const model of HEURISTIC_MODELS) {
      const expected = (attribution.marketing.credits[model] as Array<{ touchId: string; amount: number }>).map((credit) => [credit.touchId, credit.amount]).sort();
      expect(
        credits
          .filter((row) => row.model === model)
          .map((row) => [row.touch_id, Number(row.credit_minor)])
          .sort(),
      ).toEqual(expected);
    }
    // No email (the demo's shoppers have one each) in any text column of any table, and people only as keyed hashes.
    for (const table of WAREHOUSE_TABLE_NAMES) {
      const text = WAREHOUSE_TABLES[table].columns.filter((column) => column.type === 'string').map((column) => `coalesce(${column.name}, '')`);
      const [found] = await sql(`SELECT count(*) AS n FROM ${table} WHERE tenant = '${shop.tenantId}' AND (${text.join(' || ')}) LIKE '%@%'`);
      expect(found, table).toEqual({ n: 0n });
    }
    const people = await sql(`SELECT DISTINCT person FROM touches WHERE tenant = '${shop.tenantId}'`);
    expect(people.length).toBeGreaterThan(1);
    for (const { person } of people) expect(person).toMatch(/^[0-9a-f]{64}$/);
  });

  it('shows a late touch’s re-attribution in credits_current, the order’s earlier credits nowhere in it', async () => {
    // A tenant of its own, created after the first run: its windows are all still to be written.
    const tenant = await newTenant({ currency: 'USD', timezone: 'UTC' });
    const ingest = (path: string, json: unknown) => api.request('POST', path, { key: tenant.keys.ingest, json });
    await ingest('/v1/touches', {
      touches: [{ touchId: 'mail', occurredAt: '2026-11-20T10:00:00Z', person: { customerId: 'late-1' }, kind: 'email_click', utm: { source: 'newsletter', medium: 'email' } }],
    });
    await ingest('/v1/transactions', { transactionId: 'late-order', kind: 'order', occurredAt: '2026-11-20T12:00:00Z', person: { customerId: 'late-1' }, currency: 'USD', gross: '80.00' });
    await api.settle();
    // A paid click before the email, arriving after the order was attributed: first touch moves to it.
    await ingest('/v1/touches', { touches: [{ touchId: 'ad', occurredAt: '2026-11-19T09:00:00Z', person: { customerId: 'late-1' }, kind: 'click', utm: { source: 'google', medium: 'cpc' } }] });
    await api.settle();
    await runLocalExport(directory, later());

    const written = await sql(`SELECT version, channel, credit_minor FROM credits WHERE tenant = '${tenant.tenantId}' AND model = 'first_touch' ORDER BY version`);
    expect(written.map((row) => [row.channel, Number(row.credit_minor)])).toEqual([
      ['Email', 8000],
      ['Paid Search', 8000],
    ]);
    const current = await sql(`SELECT channel, credit_minor, version FROM credits_current WHERE tenant = '${tenant.tenantId}' AND model = 'first_touch'`);
    expect(current).toEqual([{ channel: 'Paid Search', credit_minor: 8000n, version: written[1]!.version }]);
    const linear = await sql(`SELECT channel, credit_minor FROM credits_current WHERE tenant = '${tenant.tenantId}' AND model = 'linear' ORDER BY channel`);
    expect(linear).toEqual([
      { channel: 'Email', credit_minor: 4000n },
      { channel: 'Paid Search', credit_minor: 4000n },
    ]);
  });

  it('writes again the daily figures of a day whose touches or spend changed without an order of it changing', async () => {
    const tenant = await newTenant({ currency: 'USD', timezone: 'UTC' });
    const ingest = (path: string, json: unknown) => api.request('POST', path, { key: tenant.keys.ingest, json });
    const spend = (amount: string, reportedAt: string) => ({
      spend: [{ date: '2026-11-23', campaign: 'brand', currency: 'USD', amount, channel: 'Paid Search', source: 'google', medium: 'cpc', reportedAt }],
    });
    expect(
      (
        await ingest('/v1/touches', {
          touches: [{ touchId: 'browse', occurredAt: '2026-11-22T10:00:00Z', person: { customerId: 'browser' }, kind: 'click', utm: { source: 'google', medium: 'cpc', campaign: 'brand' } }],
        })
      ).status,
    ).toBe(202);
    expect((await ingest('/v1/spend', spend('20.00', '2026-11-24T08:00:00Z'))).status).toBeLessThan(300);
    // The ad platform restates the day's spend: no order of either day, and no touch of the second.
    expect((await ingest('/v1/spend', spend('26.50', '2026-11-25T08:00:00Z'))).status).toBeLessThan(300);
    await api.settle();
    await runLocalExport(directory, later());

    const report = await api.read('/v1/attribution/report?from=2026-11-22&to=2026-11-23&model=last_non_direct&groupBy=channel&interval=day', tenant.keys.marketing);
    const expected = (report.rows as Array<{ day: string; key: string; touches: number; cost?: number }>).map((row) => ({ day: row.day, key: row.key, touches: row.touches, cost: row.cost ?? null }));
    expect(expected).toContainEqual({ day: '2026-11-23', key: 'Paid Search', touches: 0, cost: 2650 });
    const daily = await sql(
      `SELECT local_day, key, touches, cost_minor FROM daily_current WHERE tenant = '${tenant.tenantId}' AND model = 'last_non_direct' AND dimension = 'channel' ORDER BY local_day, key`,
    );
    expect(daily.map((row) => ({ day: row.local_day, key: row.key, touches: Number(row.touches), cost: row.cost_minor === null ? null : Number(row.cost_minor) }))).toEqual(expected);
  });

  it('takes an erased person out of every file within the next run, and the erasure log says when', async () => {
    const tenant = await newTenant({ currency: 'USD', timezone: 'UTC' });
    const ingest = (path: string, json: unknown) => api.request('POST', path, { key: tenant.keys.ingest, json });
    const person = (customerId: string, touchId: string) => ({ touchId, occurredAt: '2026-11-21T10:00:00Z', person: { customerId }, kind: 'click', utm: { source: 'google', medium: 'cpc' } });
    await ingest('/v1/touches', { touches: [person('gone', 'gone-1'), person('stays', 'stays-1')] });
    expect((await ingest('/v1/stages', { stages: [{ stage: 'lead', occurredAt: '2026-11-21T10:05:00Z', person: { customerId: 'gone' } }] })).status).toBe(202);
    await api.settle();
    await runLocalExport(directory, later());
    const hashes = async () =>
      (await sql(`SELECT person FROM touches WHERE tenant = '${tenant.tenantId}' UNION ALL SELECT person FROM stages WHERE tenant = '${tenant.tenantId}'`)).map((row) => row.person);
    expect(await hashes()).toHaveLength(3);

    expect((await api.request('DELETE', '/v1/people?customerId=gone', { key: tenant.keys.admin })).status).toBe(200);
    const [entry] = (await api.read('/v1/erasures', tenant.keys.admin)).entries;
    expect(entry.warehouse).toBeUndefined();
    await api.settle();
    await runLocalExport(directory, later());

    const left = await hashes();
    expect(left).toHaveLength(1);
    for (const identifier of entry.identifiers) expect(left).not.toContain(identifier);
    expect((await api.read('/v1/erasures', tenant.keys.admin)).entries[0].warehouse).toEqual({ rewrittenAt: expect.any(String), files: 2 });
  });
});
