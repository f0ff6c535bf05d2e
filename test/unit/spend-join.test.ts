import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordTouches } from '../../shared/recording/use-cases.ts';
import type { CatalogCampaign } from '../../shared/spend/catalog.ts';
import type { ImportedSpendLine } from '../../shared/spend/imported.ts';
import { joinSpend } from '../../shared/spend/join.ts';
import { importSpendFile } from '../../shared/spend/use-cases.ts';
import { memoryTenant } from '../support/memory/fixtures.ts';
import { memoryStores } from '../support/memory/stores.ts';

const line = (fields: Partial<ImportedSpendLine>): ImportedSpendLine => ({
  profile: 'google_ads',
  importId: 'imp_1',
  account: 'default',
  day: '2026-11-02',
  campaign: 'Spring Sale',
  campaignKey: 'name:spring sale',
  currency: 'USD',
  cost: 1000,
  ...fields,
});
const entry = (fields: Partial<CatalogCampaign> & Pick<CatalogCampaign, 'campaign'>): CatalogCampaign => ({ channel: 'Paid Search', source: 'google', medium: 'cpc', ids: [], ...fields });
const join = (imported: ImportedSpendLine[], catalog: CatalogCampaign[], mappings?: Parameters<typeof joinSpend>[2]) =>
  joinSpend({ posted: [], imported }, catalog, mappings).map(({ imported: _line, ...cost }) => cost);

describe('which touches a spend line pays for (SPEC §12)', () => {
  it('(c) the same name after NFKC, trimming, collapsed spaces and case folding, among the platform’s sources only', () => {
    const catalog = [entry({ campaign: 'spring  sale' }), entry({ campaign: 'spring sale', source: 'facebook', medium: 'paid_social', channel: 'Paid Social' })];
    expect(join([line({ campaign: ' ＳＰＲＩＮＧ   Sale ' })], catalog)).toEqual([
      { day: '2026-11-02', currency: 'USD', amount: 1000, campaign: 'spring  sale', channel: 'Paid Search', sourceMedium: 'google / cpc', matchedBy: 'name' },
    ]);
    // Meta's spend pays for facebook's touches, not google's
    expect(join([line({ profile: 'meta', campaign: 'Spring Sale' })], catalog)[0]).toMatchObject({ campaign: 'spring sale', channel: 'Paid Social', matchedBy: 'name' });
    // TikTok's has no touches of its sources here
    expect(join([line({ profile: 'tiktok' })], catalog)[0]).toEqual({ day: '2026-11-02', currency: 'USD', amount: 1000 });
  });

  it('(b) the platform’s campaign id, carried as utm_id or as a utm_campaign of digits, whatever the names', () => {
    const catalog = [entry({ campaign: 'prospecting', ids: ['111'] }), entry({ campaign: '222' })];
    const [byUtmId, byDigits] = join(
      [line({ campaignId: '111', campaign: 'Renamed in the UI', campaignKey: 'id:111' }), line({ campaignId: '222', campaign: 'Other', campaignKey: 'id:222' })],
      catalog,
    );
    expect(byUtmId).toMatchObject({ campaign: 'prospecting', matchedBy: 'id' });
    expect(byDigits).toMatchObject({ campaign: '222', matchedBy: 'id' });
  });

  it('(a) the tenant’s mappings come first, for their platform (or any), by id or by the file’s name', () => {
    const catalog = [entry({ campaign: 'brand-exact', source: 'bing' }), entry({ campaign: 'spring sale' })];
    const mappings = {
      mappings: [
        { campaign: 'brand-exact', campaignId: '555', platform: 'microsoft' as const },
        { campaign: 'brand-exact', campaignId: 'Spring Sale' },
      ],
    };
    const [byId, byName, otherPlatform] = join(
      [
        line({ profile: 'microsoft', campaignId: '555', campaign: 'Brand Exact Match', campaignKey: 'id:555' }),
        line({}),
        line({ profile: 'meta', campaignId: '555', campaign: 'x', campaignKey: 'id:555' }),
      ],
      catalog,
      mappings,
    );
    expect(byId).toMatchObject({ campaign: 'brand-exact', channel: 'Paid Search', sourceMedium: 'bing / cpc', matchedBy: 'mapping' });
    expect(byName).toMatchObject({ campaign: 'brand-exact', matchedBy: 'mapping' });
    expect(otherPlatform).toEqual({ day: '2026-11-02', currency: 'USD', amount: 1000 });
  });

  it('follows a tenant’s alias list in place of the platform’s default', () => {
    const catalog = [entry({ campaign: 'spring sale', source: 'insta-ads' })];
    expect(join([line({ profile: 'meta' })], catalog)[0]?.campaign).toBeUndefined();
    expect(join([line({ profile: 'meta' })], catalog, { mappings: [], aliases: { meta: ['insta-ads'] } })[0]).toMatchObject({ campaign: 'spring sale', matchedBy: 'name' });
  });

  it('counts each line once, whatever the number of touch campaigns it matches', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ campaign: fc.constantFrom('a', 'b', '111'), source: fc.constantFrom('google', 'facebook', 'bing'), ids: fc.subarray(['111', '222']) }), { maxLength: 8 }),
        fc.array(fc.record({ campaign: fc.constantFrom('A', 'b', 'c'), campaignId: fc.option(fc.constantFrom('111', '222'), { nil: undefined }), cost: fc.nat(100_000) }), { maxLength: 8 }),
        (entries, lines) => {
          const joined = join(
            lines.map((fields) => line({ ...fields, campaignKey: fields.campaignId ? `id:${fields.campaignId}` : `name:${fields.campaign}` })),
            entries.map((fields) => entry(fields)),
          );
          expect(joined).toHaveLength(lines.length);
          expect(joined.reduce((sum, cost) => sum + cost.amount, 0)).toBe(lines.reduce((sum, fields) => sum + fields.cost, 0));
        },
      ),
    );
  }, 30_000);
});

describe('importing a spend file (in-memory stores)', () => {
  const DAYS = Array.from({ length: 10 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`);
  const csv = (rows: ReadonlyArray<{ day: string; campaign: string; cost: number }>) =>
    new TextEncoder().encode(['Date,Campaign,Currency,Cost', ...rows.map((row) => `${row.day},${row.campaign},USD,${(row.cost / 100).toFixed(2)}`)].join('\n'));

  it('gives the same spend for any split of a day range into overlapping re-imports as for one import', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.record({ day: fc.constantFrom(...DAYS), campaign: fc.constantFrom('Spring', 'Brand', 'Total Body Sale'), cost: fc.integer({ min: 0, max: 5_000_000 }) }), {
          minLength: 1,
          maxLength: 20,
          selector: (row) => `${row.day}${row.campaign}`,
        }),
        fc.array(fc.tuple(fc.nat(9), fc.nat(9)), { minLength: 1, maxLength: 5 }),
        async (rows, ranges) => {
          const once = memoryStores();
          const split = memoryStores();
          await memoryTenant(once);
          await memoryTenant(split);
          await importSpendFile(once, 'acme', csv(rows), { profile: 'generic' });
          // overlapping parts, each the file's rows of its days, and last the whole range so every day is covered
          for (const [a, b] of [...ranges, [0, 9] as [number, number]]) {
            const days = DAYS.slice(Math.min(a, b), Math.max(a, b) + 1);
            const part = rows.filter((row) => days.includes(row.day));
            if (part.length > 0) await importSpendFile(split, 'acme', csv(part), { profile: 'generic' });
          }
          const spendOf = async (stores: typeof once) => {
            const { imported } = await stores.spend.spendBetween('acme', DAYS[0]!, DAYS.at(-1)!);
            return imported.map(({ importId: _id, ...rest }) => rest).sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
          };
          expect(await spendOf(split)).toEqual(await spendOf(once));
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  it('answers what it stored, replaced and skipped; a second import of the same file replaces every line', async () => {
    const stores = memoryStores();
    await memoryTenant(stores);
    const file = csv([
      { day: '2026-11-01', campaign: 'Spring', cost: 1050 },
      { day: '2026-11-01', campaign: 'Spring', cost: 950 },
      { day: '2026-11-02', campaign: 'Total Body Sale', cost: 300 },
    ]);
    const first = await importSpendFile(stores, 'acme', file, { profile: 'auto' }, { now: new Date('2026-11-20T00:00:00Z'), importId: 'imp_a' });
    expect(first).toMatchObject({ importId: 'imp_a', profile: 'generic', account: 'default', days: { from: '2026-11-01', to: '2026-11-02' }, rows: 3, lines: 2, campaigns: 2, replaced: 0 });
    expect(first.totals).toEqual([{ currency: 'USD', cost: 2300 }]);
    const second = await importSpendFile(stores, 'acme', file, { profile: 'generic' }, { now: new Date('2026-11-21T00:00:00Z'), importId: 'imp_b' });
    expect(second.replaced).toBe(2);
    expect((await stores.spend.spendBetween('acme', '2026-11-01', '2026-11-30')).imported.map((stored) => stored.cost)).toEqual([2000, 300]);
    expect((await stores.spend.recentImports('acme', 5)).map((record) => record.importId)).toEqual(['imp_b', 'imp_a']);
  });

  it('refuses a file with a bad line whole, naming the line, and stores nothing', async () => {
    const stores = memoryStores();
    await memoryTenant(stores);
    const file = new TextEncoder().encode('Date,Campaign,Currency,Cost\n2026-11-01,Spring,USD,10.00\n2026-11-02,Spring,USD,-3.00\n');
    await expect(importSpendFile(stores, 'acme', file, { profile: 'generic' })).rejects.toMatchObject({ code: 'invalid_file', details: [expect.objectContaining({ line: 3 })] });
    expect((await stores.spend.spendBetween('acme', '2026-11-01', '2026-11-30')).imported).toEqual([]);
  });

  it('tells the catalog the campaigns and platform ids touches name', async () => {
    const stores = memoryStores();
    await memoryTenant(stores);
    await recordTouches(stores, 'acme', [
      {
        occurredAt: '2026-11-02T10:00:00Z',
        person: { anonymousId: 'anon-1' },
        kind: 'click',
        url: 'https://shop.example/?utm_source=facebook&utm_medium=paid_social&utm_campaign=Prospecting&utm_id=120210',
      },
      { occurredAt: '2026-11-02T10:05:00Z', person: { anonymousId: 'anon-2' }, kind: 'click', utm: { source: 'facebook', medium: 'paid_social', campaign: 'prospecting', id: '120211' } },
      { occurredAt: '2026-11-02T10:06:00Z', person: { anonymousId: 'anon-3' }, kind: 'sales_call', rep: 'alice' },
    ]);
    expect(await stores.campaigns.campaigns('acme')).toEqual([{ campaign: 'prospecting', source: 'facebook', medium: 'paid_social', channel: 'Paid Social', ids: ['120210', '120211'] }]);
  });
});

describe('an import’s record', () => {
  it('keeps the first 100 warnings and says how many more there were', async () => {
    const stores = memoryStores();
    await memoryTenant(stores);
    const rows = Array.from({ length: 150 }, (_, i) => `2026-11-01,C${i},USD,1.0051`);
    const answer = await importSpendFile(stores, 'acme', new TextEncoder().encode(['Date,Campaign,Currency,Cost', ...rows].join('\n')), { profile: 'generic' });
    expect(answer.warnings).toHaveLength(101);
    expect(answer.warnings.at(-1)).toEqual({ line: 0, message: '… and 50 more warnings' });
  });
});
