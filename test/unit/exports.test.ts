import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvHeader, csvLine, decodeCursor, EXCEL_COLUMNS, ExportQuerySchema, encodeCursor, excelLine, exportTransactions, lineOf, summarise } from '../../shared/exports/export.ts';
import type { ExportedTransaction } from '../../shared/exports/ports.ts';
import { parseAmount } from '../../shared/money/money.ts';
import { storeTransaction } from '../../shared/recording/use-cases.ts';
import type { TenantRecord } from '../../shared/tenants/ports.ts';
import { createTenant } from '../../shared/tenants/use-cases.ts';
import { ReportingCalendar } from '../../shared/time/calendar.ts';
import { dayRange, localDateTime, startOfDay } from '../../shared/time/days.ts';
import { transaction } from '../support/memory/fixtures.ts';
import { type MemoryStores, memoryStores } from '../support/memory/stores.ts';

const UTC = ReportingCalendar.of('UTC');

const tx = (overrides: Partial<ExportedTransaction> = {}): ExportedTransaction => ({
  transactionId: 'o-1',
  provider: 'api',
  externalId: 'o-1',
  kind: 'order',
  occurredAt: '2026-11-01T10:00:00.000Z',
  currency: 'KWD',
  gross: 12345,
  discount: 0,
  net: 12345,
  tax: 5,
  shipping: 0,
  total: 12350,
  salesChannel: 'online_store',
  identifiers: [],
  contentHash: 'x',
  recordedAt: '2026-11-01T10:00:01.000Z',
  ...overrides,
});

describe('CSV lines', () => {
  it('carry minor units and decimal strings in the currency’s exponent, CRLF-terminated', () => {
    const line = csvLine(lineOf(tx(), UTC, 'linear'));
    expect(line.endsWith('\r\n')).toBe(true);
    expect(line).toContain(',12345,0,12345,5,0,12350,12.345,0.000,12.345,0.005,0.000,12.350,');
    expect(csvHeader().split(',')).toContain('grossDecimal');
  });

  it.each(['=SUM(A1:A9)', '+1+1', '-2+3', '@cmd', '\tx', '\rx'])('neutralises a cell starting with %j', (campaign) => {
    const line = csvLine(lineOf(tx({ attributionSummary: { sourcedBy: 'marketing', boundaryAt: 'x', top: { linear: { campaign, channel: 'Email' } } as never } }), UTC, 'linear'));
    expect(line).toMatch(new RegExp(`"?'${campaign.slice(0, 1).replace(/[+\\]/g, '\\$&')}`));
  });

  it('quotes commas, quotes and line breaks (RFC 4180) and keeps UTF-8', () => {
    const line = csvLine(lineOf(tx({ rep: 'Zoë, "the" rep\nsecond line' }), UTC, 'linear'));
    expect(line).toContain('"Zoë, ""the"" rep\nsecond line"');
  });
});

describe('days in a time zone', () => {
  it('knows a daylight-saving day lasts 25 hours (New York, 2026-11-01) or 23 (2026-03-08)', () => {
    const autumn = dayRange('2026-11-01', '2026-11-01', 'America/New_York');
    expect(new Date(autumn.start).toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(new Date(autumn.end).toISOString()).toBe('2026-11-02T05:00:00.000Z');
    const spring = dayRange('2026-03-08', '2026-03-08', 'America/New_York');
    expect((spring.end - spring.start) / 3_600_000).toBe(23);
    expect(new Date(startOfDay('2026-03-29', 'Europe/Berlin')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(startOfDay('2026-06-01', 'Asia/Kolkata')).toISOString()).toBe('2026-05-31T18:30:00.000Z');
  });
});

describe('export cursors', () => {
  const tenant = { tenantId: 'acme', cursorKey: 'k'.repeat(64) };
  const range = { from: '2026-11-01', to: '2026-11-30', tz: 'UTC' };
  const cursor = encodeCursor(tenant, { after: '2026-11-02T00:00:00.000Z#o-2', asOf: '2026-11-23T00:00:00.000Z', ...range });

  it('round-trips for the tenant and the range it was made for', () => {
    expect(decodeCursor(tenant, cursor, range).after).toBe('2026-11-02T00:00:00.000Z#o-2');
  });

  it('refuses a tampered cursor, another tenant’s, or one for another range', () => {
    const [body, mac] = cursor.split('.');
    const tampered = `${Buffer.from(Buffer.from(body!, 'base64url').toString().replace('o-2', 'o-9')).toString('base64url')}.${mac}`;
    expect(() => decodeCursor(tenant, tampered, range)).toThrow(/cursor/);
    expect(() => decodeCursor({ cursorKey: 'other' }, cursor, range)).toThrow(/cursor/);
    expect(() => decodeCursor(tenant, cursor, { ...range, tz: 'Europe/Berlin' })).toThrow(/cursor/);
    expect(() => decodeCursor(tenant, 'garbage', range)).toThrow(/cursor/);
  });

  it('asks for the migration, rather than writing on a read, for a tenant from before signed cursors', () => {
    expect(() => encodeCursor({ tenantId: 'old', cursorKey: undefined as unknown as string }, { after: 'x', asOf: 'y', ...range })).toThrow(/npm run tenant -- migrate old/);
  });
});

describe('local date-times', () => {
  it('read a zone’s wall clock as YYYY-MM-DD HH:MM:SS, across New York’s clock change and Kolkata’s half hour', () => {
    expect(localDateTime('2026-11-01T05:30:00Z', 'America/New_York')).toBe('2026-11-01 01:30:00');
    // An hour later the clocks have gone back: the same wall-clock time, as New York saw it.
    expect(localDateTime('2026-11-01T06:30:00Z', 'America/New_York')).toBe('2026-11-01 01:30:00');
    expect(localDateTime('2026-03-08T07:00:00Z', 'America/New_York')).toBe('2026-03-08 03:00:00');
    expect(localDateTime('2026-05-31T18:30:00Z', 'Asia/Kolkata')).toBe('2026-06-01 00:00:00');
    expect(localDateTime('2026-05-31T18:29:59.999Z', 'Asia/Kolkata')).toBe('2026-05-31 23:59:59');
    expect(localDateTime('2026-01-01T00:00:00Z', 'UTC')).toBe('2026-01-01 00:00:00');
  });

  it('agree with the day the calendar counts an instant in, whatever the instant', () => {
    const zones = ['America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'Europe/Berlin'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.constantFrom(...zones), (instant, zone) => {
        expect(localDateTime(instant, zone).slice(0, 10)).toBe(ReportingCalendar.of(zone).dayOf(instant));
      }),
    );
  });
});

/** A tenant made as `npm run tenant -- create` makes one, in memory, in `timezone`. */
async function shop(deps: MemoryStores, timezone: string, calendar?: TenantRecord['calendar']): Promise<TenantRecord> {
  await createTenant(deps.tenants, { tenantId: 'acme', currency: 'USD', timezone }, new Date('2026-11-01T00:00:00Z'));
  const tenant = (await deps.tenants.getTenant('acme'))!;
  return calendar ? { ...tenant, calendar } : tenant;
}

/** The whole export as the route would write it: every chunk of its body, in order. */
async function exported(deps: MemoryStores, tenant: TenantRecord, query: string) {
  const page = await exportTransactions(deps, tenant, ExportQuerySchema.parse(Object.fromEntries(new URLSearchParams(query))), new Date('2026-12-01T00:00:00Z'));
  let text = '';
  for await (const chunk of page.body) text += chunk;
  return { ...page, text };
}

/** CSV rows as objects of their header's columns (no cell of these ledgers holds a comma or a quote). */
function rowsOf(text: string): Array<Record<string, string>> {
  const [header, ...lines] = text
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, index) => [columns[index], cell])));
}

const buyer = { customerId: 'ana' };

/** An order just after midnight in New York (04:30Z), one in Kuwaiti dinars late on the 10th, and a refund of the first. */
async function smallLedger(deps: MemoryStores, tenant: TenantRecord): Promise<void> {
  await storeTransaction(deps, tenant, transaction({ transactionId: 'o-1', occurredAt: '2026-11-01T04:30:00Z', person: buyer, gross: '19.99', tax: '1.60', rep: 'Zoë' }));
  await storeTransaction(deps, tenant, transaction({ transactionId: 'o-2', occurredAt: '2026-11-10T23:59:59Z', person: buyer, currency: 'KWD', gross: '12.345' }));
  await storeTransaction(deps, tenant, transaction({ transactionId: 'r-1', kind: 'refund', orderId: 'o-1', occurredAt: '2026-11-12T10:00:00Z', person: buyer, gross: '5.00' }));
}

describe('the raw flavor', () => {
  it('keeps the raw CSV (the default) byte for byte as it was: minor units first, UTC instants, no byte-order mark', async () => {
    const deps = memoryStores();
    const tenant = await shop(deps, 'America/New_York');
    await smallLedger(deps, tenant);
    const raw = await exported(deps, tenant, 'from=2026-11-01&to=2026-11-30');
    expect(raw.contentDisposition).toBe('attachment; filename="acme-transactions-2026-11-01-to-2026-11-30.csv"');
    expect(raw.text).toBe(
      [
        'transactionId,provider,externalId,kind,status,orderId,occurredAt,day,currency,gross,discount,net,tax,shipping,total,grossDecimal,discountDecimal,netDecimal,taxDecimal,shippingDecimal,totalDecimal,salesChannel,rep,sourcedBy,boundaryAt,model,topCampaign,topChannel',
        'o-1,api,o-1,order,counted,,2026-11-01T04:30:00.000Z,2026-11-01,USD,1999,0,1999,160,0,2159,19.99,0.00,19.99,1.60,0.00,21.59,online_store,Zoë,,,last_non_direct,,',
        'o-2,api,o-2,order,counted,,2026-11-10T23:59:59.000Z,2026-11-10,KWD,12345,0,12345,0,0,12345,12.345,0.000,12.345,0.000,0.000,12.345,online_store,,,,last_non_direct,,',
        'r-1,api,r-1,refund,counted,o-1,2026-11-12T10:00:00.000Z,2026-11-12,USD,500,0,500,0,0,500,5.00,0.00,5.00,0.00,0.00,5.00,online_store,,,,last_non_direct,,',
        '',
      ].join('\r\n'),
    );
    expect((await exported(deps, tenant, 'from=2026-11-01&to=2026-11-30&flavor=raw')).text).toBe(raw.text);
    expect((await exported(deps, tenant, 'from=2026-11-01&to=2026-11-30&bom=true')).text).toBe(`\uFEFF${raw.text}`);
  });
});

describe('the Excel flavor', () => {
  it('gives Excel a byte-order mark, decimal amounts only and date-times on the tenant’s wall clock (New York)', async () => {
    const deps = memoryStores();
    const tenant = await shop(deps, 'America/New_York');
    await smallLedger(deps, tenant);
    const excel = await exported(deps, tenant, 'from=2026-11-01&to=2026-11-30&flavor=excel');
    expect(excel.contentType).toBe('text/csv; charset=utf-8');
    expect(excel.contentDisposition).toBe('attachment; filename="acme-transactions-2026-11-01-to-2026-11-30-excel.csv"');
    expect(excel.text.startsWith('\uFEFFtransactionId,provider,externalId,kind,status,orderId,occurredAtLocal,day,timezone,currency,grossDecimal,')).toBe(true);
    expect(excel.text.split('\r\n')[0]).toBe(`\uFEFF${EXCEL_COLUMNS.join(',')}`);
    const rows = rowsOf(excel.text);
    expect(rows.map((row) => [row.transactionId, row.occurredAtLocal, row.day, row.timezone, row.currency, row.grossDecimal, row.taxDecimal, row.totalDecimal, row.rep])).toEqual([
      ['o-1', '2026-11-01 00:30:00', '2026-11-01', 'America/New_York', 'USD', '19.99', '1.60', '21.59', 'Zoë'],
      ['o-2', '2026-11-10 18:59:59', '2026-11-10', 'America/New_York', 'KWD', '12.345', '0.000', '12.345', ''],
      ['r-1', '2026-11-12 05:00:00', '2026-11-12', 'America/New_York', 'USD', '5.00', '0.00', '5.00', ''],
    ]);
    // No minor-unit column and no UTC instant: nothing Excel would show as a bare integer or as text.
    expect(Object.keys(rows[0]!).filter((column) => ['gross', 'net', 'total', 'occurredAt', 'boundaryAt'].includes(column))).toEqual([]);
  });

  it('writes Kolkata’s wall clock, half hour included, and moves a late-evening UTC order to the next day', async () => {
    const deps = memoryStores();
    const tenant = await shop(deps, 'Asia/Kolkata');
    await smallLedger(deps, tenant);
    const rows = rowsOf((await exported(deps, tenant, 'from=2026-11-01&to=2026-11-30&flavor=excel')).text);
    expect(rows.map((row) => [row.transactionId, row.occurredAtLocal, row.day, row.timezone])).toEqual([
      ['o-1', '2026-11-01 10:00:00', '2026-11-01', 'Asia/Kolkata'],
      ['o-2', '2026-11-11 05:29:59', '2026-11-11', 'Asia/Kolkata'],
      ['r-1', '2026-11-12 15:30:00', '2026-11-12', 'Asia/Kolkata'],
    ]);
    // `tz` asks for another zone: the times follow it as the days do.
    const newYork = rowsOf((await exported(deps, tenant, 'from=2026-11-01&to=2026-11-30&flavor=excel&tz=America/New_York')).text);
    expect(newYork.map((row) => [row.occurredAtLocal, row.timezone])).toEqual([
      ['2026-11-01 00:30:00', 'America/New_York'],
      ['2026-11-10 18:59:59', 'America/New_York'],
      ['2026-11-12 05:00:00', 'America/New_York'],
    ]);
  });

  it('names on each line the zone its day is counted in, across a tenant’s change of zone', async () => {
    const deps = memoryStores();
    const tenant = await shop(deps, 'America/New_York', [
      { timezone: 'America/New_York', from: '0001-01-01' },
      { timezone: 'Asia/Kolkata', from: '2026-11-11' },
    ]);
    await smallLedger(deps, tenant);
    const rows = rowsOf((await exported(deps, tenant, 'from=2026-11-01&to=2026-11-30&flavor=excel')).text);
    // New York's last day ends where Kolkata's 11 November begins (18:30Z on the 10th): o-2 is Kolkata's.
    expect(rows.map((row) => [row.transactionId, row.occurredAtLocal, row.day, row.timezone])).toEqual([
      ['o-1', '2026-11-01 00:30:00', '2026-11-01', 'America/New_York'],
      ['o-2', '2026-11-11 05:29:59', '2026-11-11', 'Asia/Kolkata'],
      ['r-1', '2026-11-12 15:30:00', '2026-11-12', 'Asia/Kolkata'],
    ]);
  });

  it('writes the boundary on the same wall clock as the line, and neutralises formula-looking cells as the raw file does', () => {
    const attributed = tx({
      occurredAt: '2026-11-03T15:00:00.000Z',
      currency: 'USD',
      attributionSummary: { sourcedBy: 'marketing', boundaryAt: '2026-11-02T23:15:00.000Z', top: { linear: { campaign: '=HYPERLINK("x")', channel: 'Email' } } as never },
    });
    const line = excelLine(lineOf(attributed, ReportingCalendar.of('Asia/Kolkata'), 'linear'), 'Asia/Kolkata');
    expect(line).toBe(
      `o-1,api,o-1,order,counted,,2026-11-03 20:30:00,2026-11-03,Asia/Kolkata,USD,123.45,0.00,123.45,0.05,0.00,123.50,online_store,,marketing,2026-11-03 04:45:00,linear,"'=HYPERLINK(""x"")",Email\r\n`,
    );
  });

  it('starts every page of a paged Excel export with the byte-order mark and the header', async () => {
    const deps = memoryStores();
    const tenant = await shop(deps, 'UTC');
    await smallLedger(deps, tenant);
    const first = await exported(deps, tenant, 'from=2026-11-01&to=2026-11-30&flavor=excel&limit=2');
    const second = await exported(deps, tenant, `from=2026-11-01&to=2026-11-30&flavor=excel&limit=2&cursor=${first.nextCursor}`);
    expect([rowsOf(first.text).length, rowsOf(second.text).length]).toEqual([2, 1]);
    for (const page of [first, second]) expect(page.text.startsWith(`\uFEFF${EXCEL_COLUMNS[0]},`)).toBe(true);
  });

  it('takes a byte-order mark by choice, and refuses the Excel flavor for NDJSON', () => {
    const period = { from: '2026-11-01', to: '2026-11-30' };
    expect(ExportQuerySchema.parse({ ...period }).bom).toBe(false);
    expect(ExportQuerySchema.parse({ ...period, flavor: 'excel' }).bom).toBe(true);
    expect(ExportQuerySchema.parse({ ...period, flavor: 'excel', bom: 'false' }).bom).toBe(false);
    const refused = ExportQuerySchema.safeParse({ ...period, flavor: 'excel', format: 'ndjson' });
    expect(refused.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['flavor']);
    expect(ExportQuerySchema.safeParse({ ...period, flavor: 'xlsx' }).success).toBe(false);
  });
});

describe('the Excel flavor and the summary', () => {
  it('adds up, decimal by decimal, to the summary to the cent, for random orders, refunds and cancellations in three currencies', async () => {
    const exponent = { USD: 2, JPY: 0, KWD: 3 } as const;
    const decimal = (units: number, currency: keyof typeof exponent) =>
      exponent[currency] === 0 ? String(units) : `${Math.floor(units / 10 ** exponent[currency])}.${String(units % 10 ** exponent[currency]).padStart(exponent[currency], '0')}`;
    const entry = fc.record({
      kind: fc.constantFrom('order', 'refund', 'cancellation'),
      currency: fc.constantFrom('USD', 'JPY', 'KWD'),
      units: fc.integer({ min: 0, max: 5_000_000 }),
      tax: fc.integer({ min: 0, max: 50_000 }),
      // Anywhere in November and the hours either side of it, in UTC: the zone decides which are in.
      at: fc.integer({ min: Date.UTC(2026, 9, 31, 12), max: Date.UTC(2026, 11, 1, 12) }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 15 }), fc.constantFrom('America/New_York', 'Asia/Kolkata'), async (entries, timezone) => {
        const deps = memoryStores();
        const tenant = await shop(deps, timezone);
        for (const [index, { kind, currency, units, tax, at }] of entries.entries()) {
          const amounts = { currency, gross: decimal(units, currency), tax: decimal(tax, currency) };
          // Adjustments name the first order: one in another currency, or beyond what it had, is kept as a conflict that counts nothing.
          const links = kind === 'order' ? {} : { orderId: 'e-0' };
          await storeTransaction(deps, tenant, transaction({ transactionId: `e-${index}`, kind, occurredAt: new Date(at).toISOString(), person: buyer, ...amounts, ...links }));
        }
        const rows = rowsOf((await exported(deps, tenant, 'from=2026-11-01&to=2026-11-30&flavor=excel')).text);
        const summary = await summarise(deps, tenant, { from: '2026-11-01', to: '2026-11-30' });
        expect(new Set(rows.map((row) => row.currency))).toEqual(new Set(summary.currencies.map((sums) => sums.currency)));
        for (const sums of summary.currencies) {
          const mine = rows.filter((row) => row.currency === sums.currency);
          const total = (column: string) => mine.reduce((sum, row) => sum + parseAmount(row[column]!, sums.currency), 0);
          expect({
            gross: total('grossDecimal'),
            discount: total('discountDecimal'),
            net: total('netDecimal'),
            tax: total('taxDecimal'),
            shipping: total('shippingDecimal'),
            total: total('totalDecimal'),
          }).toEqual({
            gross: sums.gross,
            discount: sums.discount,
            net: sums.net,
            tax: sums.tax,
            shipping: sums.shipping,
            total: sums.total,
          });
          expect(mine.every((row) => row.day === row.occurredAtLocal!.slice(0, 10) && row.timezone === timezone)).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });
});
