import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAmount } from '../../shared/money/money.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';
import { recordRequests } from '../support/requests.ts';

let api: TestApi;

beforeAll(async () => {
  api = await TestApi.start();
});
afterAll(() => api.close());

let sequence = 0;
function order(tenant: CreatedTenant, occurredAt: string, overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return api.request('POST', '/v1/transactions', {
    key: tenant.keys.ingest,
    json: { transactionId: `x-${sequence}`, kind: 'order', occurredAt, person: { customerId: `p-${sequence}` }, currency: 'USD', gross: '10.00', tax: '1.00', ...overrides },
  });
}
const exportOf = (tenant: CreatedTenant, query: string) => api.request('GET', `/v1/exports/transactions?${query}`, { key: tenant.keys.finance });
const ndjson = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe('GET /v1/exports/transactions', () => {
  it('lists orders, refunds and cancellations in time order as CSV with a header and as NDJSON', async () => {
    const tenant = await newTenant();
    await order(tenant, '2026-11-03T10:00:00Z', { transactionId: 'b-order' });
    await order(tenant, '2026-11-02T10:00:00Z', { transactionId: 'a-order' });
    await api.request('POST', '/v1/transactions', {
      key: tenant.keys.ingest,
      json: { transactionId: 'a-refund', kind: 'refund', orderId: 'a-order', occurredAt: '2026-11-04T10:00:00Z', currency: 'USD', gross: '2.50' },
    });
    const csv = await exportOf(tenant, 'from=2026-11-01&to=2026-11-30');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const rows = csv.text.trim().split('\r\n');
    expect(rows[0]).toMatch(/^transactionId,provider,externalId,kind,status,orderId,occurredAt/);
    expect(rows.slice(1).map((row) => row.split(',')[0])).toEqual(['a-order', 'b-order', 'a-refund']);
    const lines = ndjson((await exportOf(tenant, 'from=2026-11-01&to=2026-11-30&format=ndjson')).text);
    expect(lines.map((line) => [line.transactionId, line.kind, line.status, line.net, line.netDecimal])).toEqual([
      ['a-order', 'order', 'counted', 1000, '10.00'],
      ['b-order', 'order', 'counted', 1000, '10.00'],
      ['a-refund', 'refund', 'counted', 250, '2.50'],
    ]);
  });

  it('takes days in the requested time zone, across a daylight-saving change', async () => {
    const tenant = await newTenant();
    // 2026-11-01 in New York runs from 04:00Z to 05:00Z the next day (25 hours).
    for (const at of ['2026-11-01T03:59:59Z', '2026-11-01T04:00:00Z', '2026-11-02T04:59:59Z', '2026-11-02T05:00:00Z']) await order(tenant, at, { transactionId: `dst-${at}` });
    const lines = ndjson((await exportOf(tenant, 'from=2026-11-01&to=2026-11-01&format=ndjson&tz=America/New_York')).text);
    expect(lines.map((line) => line.occurredAt)).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-02T04:59:59.000Z']);
    expect(lines.map((line) => line.day)).toEqual(['2026-11-01', '2026-11-01']);
  });

  it('pages with limit and an opaque cursor that never skips or repeats a line while new ones arrive', async () => {
    const tenant = await newTenant();
    for (let day = 1; day <= 9; day += 1) await order(tenant, `2026-11-0${day}T12:00:00Z`, { transactionId: `page-${day}` });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await exportOf(tenant, `from=2026-11-01&to=2026-11-30&format=ndjson&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      seen.push(...ndjson(response.text).map((line) => line.transactionId));
      cursor = response.headers.get('x-next-cursor') ?? undefined;
      pages += 1;
      // New transactions arrive between pages: before, inside and after the remaining range.
      await order(tenant, '2026-11-01T00:00:00Z', { transactionId: `late-early-${pages}` });
      await order(tenant, '2026-11-08T00:00:00Z', { transactionId: `late-middle-${pages}` });
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6', 'page-7', 'page-8', 'page-9']);
    // A new export sees the late arrivals too.
    const all = ndjson((await exportOf(tenant, 'from=2026-11-01&to=2026-11-30&format=ndjson')).text);
    expect(all).toHaveLength(9 + 2 * pages);
  });

  it('reads only the time index: one Query per UTC day of the range and page, never a Scan', async () => {
    const tenant = await newTenant();
    for (let i = 0; i < 5; i += 1) await order(tenant, `2026-11-10T0${i}:00:00Z`);
    const operations = (await recordRequests(() => exportOf(tenant, 'from=2026-11-10&to=2026-11-10&format=ndjson'))).map(({ command, index }) => `${command}:${index ?? '-'}`);
    expect(operations.filter((op) => op.startsWith('Query'))).toEqual(['QueryCommand:gsi1']);
    expect(operations.some((op) => op.startsWith('Scan'))).toBe(false);
  });

  it.each([
    ['from=2026-11-30&to=2026-11-01', 'query.to'],
    ['from=2026-11-01&to=2026-11-30&format=xlsx', 'query.format'],
    ['from=2026-11-01&to=2026-11-30&tz=Mars/Base', 'query.tz'],
    ['from=2026-11-01&to=2026-11-30&limit=0', 'query.limit'],
    ['from=2026-11-01&to=2026-11-30&limit=10001', 'query.limit'],
    ['from=2026-11-01&to=2026-11-30&cursor=forged.cursor', 'query.cursor'],
    ['from=2026-11-01', 'query.to'],
    ['from=2026-11-01&to=2026-11-30&flavor=xlsx', 'query.flavor'],
    ['from=2026-11-01&to=2026-11-30&flavor=excel&format=ndjson', 'query.flavor'],
  ])('refuses %s naming %s', async (query, parameter) => {
    const tenant = await newTenant();
    const response = await exportOf(tenant, query);
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((detail: { path: string }) => detail.path)).toContain(parameter);
  });

  it('refuses another tenant’s cursor with 400, and marketing or ingest keys with 403', async () => {
    const [mine, theirs] = [await newTenant(), await newTenant()];
    for (let i = 1; i <= 3; i += 1) await order(theirs, `2026-11-0${i}T00:00:00Z`);
    const page = await exportOf(theirs, 'from=2026-11-01&to=2026-11-30&limit=1');
    const foreign = page.headers.get('x-next-cursor');
    expect(foreign).toBeTruthy();
    expect((await exportOf(mine, `from=2026-11-01&to=2026-11-30&limit=1&cursor=${foreign}`)).status).toBe(400);
    for (const key of [mine.keys.marketing, mine.keys.ingest]) {
      expect((await api.request('GET', '/v1/exports/transactions?from=2026-11-01&to=2026-11-30', { key })).status).toBe(403);
      expect((await api.request('GET', '/v1/exports/transactions/summary?from=2026-11-01&to=2026-11-30', { key })).status).toBe(403);
    }
    expect((await api.request('GET', '/v1/exports/transactions?from=2026-11-01&to=2026-11-30')).status).toBe(401);
  });
});

describe('GET /v1/exports/transactions?flavor=excel', () => {
  /** The answer's bytes: `Response.text()` would drop a byte-order mark. */
  async function bytesOf(tenant: CreatedTenant, query: string) {
    const response = await fetch(`${api.runtime.url}/v1/exports/transactions?${query}`, { headers: { authorization: `Bearer ${tenant.keys.finance}` } });
    return { headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  }
  const rowsOf = (bytes: Buffer) => {
    const [header, ...lines] = bytes
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    return lines.map((line) => Object.fromEntries(line.split(',').map((cell, index) => [header!.split(',')[index], cell])));
  };

  it.each([
    ['America/New_York', ['2026-11-01 00:30:00', '2026-11-10 18:59:59'], ['2026-11-01', '2026-11-10']],
    ['Asia/Kolkata', ['2026-11-01 10:00:00', '2026-11-11 05:29:59'], ['2026-11-01', '2026-11-11']],
  ])('in %s: a byte-order mark, decimals, the tenant’s wall clock, sums equal to the summary; raw unchanged', async (timezone, times, days) => {
    const tenant = await newTenant({ timezone });
    await order(tenant, '2026-11-01T04:30:00Z', { transactionId: 'xl-1', gross: '1234.56', tax: '0.07', rep: 'Zoë Ångström' });
    await order(tenant, '2026-11-10T23:59:59Z', { transactionId: 'xl-2', currency: 'KWD', gross: '12.345', tax: '0.005' });
    const range = 'from=2026-11-01&to=2026-11-30';
    const excel = await bytesOf(tenant, `${range}&flavor=excel`);
    expect([...excel.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(excel.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(excel.headers.get('content-disposition')).toBe(`attachment; filename="${tenant.tenantId}-transactions-2026-11-01-to-2026-11-30-excel.csv"`);
    const rows = rowsOf(excel.bytes);
    expect(rows.map((row) => [row.transactionId, row.occurredAtLocal, row.day, row.timezone, row.currency, row.grossDecimal, row.taxDecimal, row.totalDecimal, row.rep])).toEqual([
      ['xl-1', times[0], days[0], timezone, 'USD', '1234.56', '0.07', '1234.63', 'Zoë Ångström'],
      ['xl-2', times[1], days[1], timezone, 'KWD', '12.345', '0.005', '12.350', ''],
    ]);
    const summary = (await api.request('GET', `/v1/exports/transactions/summary?${range}`, { key: tenant.keys.finance })).body;
    expect(summary.currencies.map((sums: { currency: string }) => sums.currency)).toEqual(['KWD', 'USD']);
    for (const sums of summary.currencies) {
      const mine = rows.filter((row) => row.currency === sums.currency);
      for (const amount of ['gross', 'discount', 'net', 'tax', 'shipping', 'total']) {
        expect(mine.reduce((sum, row) => sum + parseAmount(row[`${amount}Decimal`]!, sums.currency), 0)).toBe(sums[amount]);
      }
    }
    // The raw file is what it always was: no mark, minor units first, UTC instants; `flavor=raw` is the default.
    const raw = await bytesOf(tenant, range);
    expect(raw.bytes.equals((await bytesOf(tenant, `${range}&flavor=raw`)).bytes)).toBe(true);
    expect(raw.bytes[0]).toBe('t'.charCodeAt(0));
    expect(raw.bytes.toString('utf8').split('\r\n')[1]).toMatch(/^xl-1,api,xl-1,order,counted,,2026-11-01T04:30:00\.000Z,\d{4}-\d\d-\d\d,USD,123456,0,123456,7,0,123463,1234\.56,/);
  });
});

describe('GET /v1/exports/transactions/summary', () => {
  it('equals the sums of the export’s lines, per currency, for random sets of orders, refunds and cancellations', async () => {
    const transaction = fc.record({
      kind: fc.constantFrom('order', 'refund', 'cancellation'),
      currency: fc.constantFrom('USD', 'JPY', 'KWD'),
      units: fc.integer({ min: 0, max: 5_000_000 }),
      tax: fc.integer({ min: 0, max: 50_000 }),
      shipping: fc.integer({ min: 0, max: 5_000 }),
      day: fc.integer({ min: 1, max: 28 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(transaction, { minLength: 1, maxLength: 12 }), async (set) => {
        const tenant = await newTenant();
        const decimal = (units: number, currency: string) => {
          const exponent = currency === 'JPY' ? 0 : currency === 'KWD' ? 3 : 2;
          return exponent === 0 ? String(units) : `${Math.floor(units / 10 ** exponent)}.${String(units % 10 ** exponent).padStart(exponent, '0')}`;
        };
        for (const [i, t] of set.entries()) {
          const response = await api.request('POST', '/v1/transactions', {
            key: tenant.keys.ingest,
            json: {
              transactionId: `s-${i}`,
              kind: t.kind,
              ...(t.kind === 'order' ? { person: { customerId: 'c' } } : { orderId: 's-0' }),
              occurredAt: `2026-10-${String(t.day).padStart(2, '0')}T12:00:00Z`,
              currency: t.currency,
              gross: decimal(t.units, t.currency),
              tax: decimal(t.tax, t.currency),
              shipping: decimal(t.shipping, t.currency),
            },
          });
          // An adjustment that cannot count against s-0 (another currency, more than it had, a second cancellation) is refused.
          expect([201, 409]).toContain(response.status);
        }
        const lines = ndjson((await exportOf(tenant, 'from=2026-10-01&to=2026-10-31&format=ndjson')).text);
        const summary = (await api.request('GET', '/v1/exports/transactions/summary?from=2026-10-01&to=2026-10-31', { key: tenant.keys.finance })).body;
        for (const currency of new Set(lines.map((line) => line.currency as string))) {
          const mine = lines.filter((line) => line.currency === currency);
          const sum = (field: string, of = mine) => of.reduce((total, line) => total + line[field], 0);
          const counted = (kind: string) => mine.filter((line) => line.kind === kind && line.status === 'counted');
          const sums = (kind: string) => ({
            count: counted(kind).length,
            ...Object.fromEntries(['gross', 'discount', 'net', 'tax', 'shipping', 'total'].map((field) => [field, sum(field, counted(kind))])),
          });
          expect(summary.currencies.find((entry: { currency: string }) => entry.currency === currency)).toEqual({
            currency,
            orders: counted('order').length,
            refunds: counted('refund').length,
            cancellations: counted('cancellation').length,
            pending: mine.filter((line) => line.status === 'pending').length,
            conflicts: mine.filter((line) => line.status === 'conflict').length,
            gross: sum('gross'),
            discount: sum('discount'),
            net: sum('net'),
            tax: sum('tax'),
            shipping: sum('shipping'),
            total: sum('total'),
            revenue: mine.reduce((total, line) => total + (line.kind === 'order' ? line.net : -line.net), 0),
            byKind: { order: sums('order'), refund: sums('refund'), cancellation: sums('cancellation') },
          });
        }
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});
