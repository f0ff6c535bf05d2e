import { describe, expect, it } from 'vitest';
import { normaliseSpend, SpendInputSchema, sameFigure, spendId, spendKey } from '../../shared/spend/spend.ts';

const parse = (line: Record<string, unknown>) => SpendInputSchema.parse({ date: '2026-11-02', campaign: 'Brand', currency: 'JPY', amount: '1200', ...line });

describe('spend lines', () => {
  it('name campaigns, sources and mediums as touches do, and count money in minor units', () => {
    const entry = normaliseSpend(parse({ campaign: '  Black-Friday ', source: 'Google', medium: 'CPC', channel: 'Paid Search' }), '2026-11-03T00:00:00.000Z');
    expect(entry).toEqual({ day: '2026-11-02', campaign: 'black-friday', currency: 'JPY', amount: 1200, channel: 'Paid Search', sourceMedium: 'google / cpc', reportedAt: '2026-11-03T00:00:00.000Z' });
    expect(spendId(entry)).toBe('2026-11-02#JPY#black-friday');
    expect([spendKey(entry, 'campaign'), spendKey(entry, 'channel'), spendKey(entry, 'source_medium')]).toEqual(['black-friday', 'Paid Search', 'google / cpc']);
  });

  it('order restatements by reportedAt in UTC, or by arrival without it', () => {
    expect(normaliseSpend(parse({ reportedAt: '2026-11-03T08:00:00+01:00' }), '2026-11-20T00:00:00.000Z').reportedAt).toBe('2026-11-03T07:00:00.000Z');
    expect(normaliseSpend(parse({}), '2026-11-20T00:00:00.000Z').reportedAt).toBe('2026-11-20T00:00:00.000Z');
  });

  it('tell a new figure from the same one reported again', () => {
    const first = normaliseSpend(parse({ reportedAt: '2026-11-03T00:00:00Z' }), '2026-11-20T00:00:00.000Z');
    expect(sameFigure(first, normaliseSpend(parse({ reportedAt: '2026-11-04T00:00:00Z' }), '2026-11-20T00:00:00.000Z'))).toBe(true);
    expect(sameFigure(first, normaliseSpend(parse({ amount: '1300' }), '2026-11-20T00:00:00.000Z'))).toBe(false);
    expect(sameFigure(first, normaliseSpend(parse({ channel: 'Display' }), '2026-11-20T00:00:00.000Z'))).toBe(false);
  });

  it('leave out of channel and source/medium rows what a line does not say', () => {
    const entry = normaliseSpend(parse({}), '2026-11-20T00:00:00.000Z');
    expect([spendKey(entry, 'channel'), spendKey(entry, 'source_medium')]).toEqual([undefined, undefined]);
  });
});
