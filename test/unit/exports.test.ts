import { describe, expect, it } from 'vitest';
import { csvHeader, csvLine, decodeCursor, encodeCursor, lineOf } from '../../shared/exports/export.ts';
import type { ExportedTransaction } from '../../shared/exports/ports.ts';
import { ReportingCalendar } from '../../shared/time/calendar.ts';
import { dayRange, startOfDay } from '../../shared/time/days.ts';

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
