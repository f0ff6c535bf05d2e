import { describe, expect, it } from 'vitest';
import { type AdSpendLine, decimal, googleAdsCampaignReport, spendFiles } from '../../scripts/demo/spend-files.ts';
import { DEMO_CAMPAIGNS, demoStore, recordCount } from '../../scripts/demo/store.ts';
import { normaliseTouch, TouchInputSchema } from '../../shared/recording/touches.ts';
import { campaignsOfTouches } from '../../shared/spend/catalog.ts';
import { parseSpendFile } from '../../shared/spend/imports/parse.ts';
import { spendMatcher } from '../../shared/spend/join.ts';

const options = { days: 30, visitorsPerDay: 20, until: new Date('2026-11-20T18:00:00Z'), timezone: 'America/New_York' };

describe('the demo store (npm run demo)', () => {
  it('is the same store for the same options, and another for another seed', () => {
    expect(JSON.stringify(demoStore(options))).toBe(JSON.stringify(demoStore(options)));
    expect(JSON.stringify(demoStore({ ...options, seed: 7 }))).not.toBe(JSON.stringify(demoStore(options)));
  });

  it('holds what docs/contract.md#the-dashboard lists: spend, several channels, leads, qualified and disqualified people with reasons, sales calls by reps, orders, refunds and a cancellation', () => {
    const store = demoStore(options);
    const people = store.people;
    const deliveries = people.flatMap((person) => person.deliveries);
    const stages = people.flatMap((person) => person.stages);
    expect(new Set(store.spend.map((line) => line.campaign)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(store.spend.map((line) => line.day)).size).toBe(31); // every day of the period, today included
    expect(new Set(people.flatMap((person) => person.touches.map((touch) => new URL(touch.url!).searchParams.get('utm_medium') ?? touch.referrer ?? 'direct'))).size).toBeGreaterThanOrEqual(6);
    expect(stages.filter((stage) => stage.stage === 'lead').length).toBeGreaterThan(50);
    expect(stages.filter((stage) => stage.stage === 'qualified').length).toBeGreaterThan(20);
    expect(new Set(stages.filter((stage) => stage.stage === 'disqualified').map((stage) => stage.reason)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(people.flatMap((person) => person.salesTouches.map((touch) => touch.rep))).size).toBe(4);
    expect(new Set(deliveries.filter((delivery) => delivery.topic === 'orders/create').map((delivery) => delivery.payload.source_name))).toEqual(new Set(['web', 'pos', 'shopify_draft_order']));
    expect(deliveries.filter((delivery) => delivery.topic === 'refunds/create').length).toBeGreaterThan(0);
    expect(deliveries.filter((delivery) => delivery.topic === 'orders/cancelled').length).toBeGreaterThanOrEqual(1);
    expect(recordCount(store)).toBe(
      store.spend.length + people.reduce((sum, person) => sum + person.touches.length + person.identities.length + person.stages.length + person.salesTouches.length + person.deliveries.length, 0),
    );
  });

  it('has nothing after its last moment, and each refund or cancellation after its order', () => {
    const store = demoStore(options);
    const until = options.until.toISOString();
    for (const person of store.people) {
      for (const record of [...person.touches, ...person.identities, ...person.stages, ...person.salesTouches, ...person.deliveries]) expect(record.occurredAt <= until).toBe(true);
      const [order, ...after] = person.deliveries;
      for (const adjustment of after) expect(adjustment.occurredAt > order!.occurredAt).toBe(true);
    }
  });

  it('refuses sizes it cannot make', () => {
    expect(() => demoStore({ ...options, days: 0 })).toThrow(/days/);
    expect(() => demoStore({ ...options, visitorsPerDay: 1.5 })).toThrow(/visitors/);
  });
});

const text = (bytes: Uint8Array, encoding: 'utf-8' | 'utf-16le') => new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes);
/** A planned or parsed line as the import keys and stores it. */
const comparable = (line: { account: string; day: string; campaignId?: string; campaign: string; currency: string; cost: number }) => ({
  account: line.account,
  day: line.day,
  campaignId: line.campaignId,
  campaign: line.campaign,
  currency: line.currency,
  cost: line.cost,
});
const byDayAndCampaign = (a: { day: string; campaign: string }, b: { day: string; campaign: string }) => (`${a.day} ${a.campaign}` < `${b.day} ${b.campaign}` ? -1 : 1);

describe('the demo’s spend, as the ad platforms’ own files (scripts/demo/spend-files.ts)', () => {
  const store = demoStore(options);
  const files = spendFiles(store.spend, { timezone: options.timezone });
  const byPlatform = Object.fromEntries(files.map((file) => [file.platform, file]));

  it('is one file per platform the demo buys from, holding every planned line once', () => {
    expect(files.map((file) => file.platform)).toEqual(['google_ads', 'meta', 'microsoft', 'generic']);
    expect(files.flatMap((file) => file.lines).length).toBe(store.spend.length);
    expect(files.reduce((sum, file) => sum + file.lines.reduce((total, line) => total + line.cost, 0), 0)).toBe(store.spend.reduce((sum, line) => sum + line.cost, 0));
    expect(new Set(files.map((file) => file.fileName)).size).toBe(files.length);
  });

  it('writes Google Ads’ campaign report: UTF-16LE with a BOM, tabs, a title and a date range above, totals below, 1,234.56', () => {
    const bytes = byPlatform.google_ads!.bytes;
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    const lines = text(bytes, 'utf-16le').split('\r\n');
    expect(lines.slice(0, 4)).toEqual([
      '\ufeffCampaign report',
      'October 21, 2026 - November 20, 2026',
      'Day\tCampaign\tCampaign ID\tCurrency code\tCost',
      expect.stringMatching(/^2026-10-21\t[^\t]+\t\d+\tUSD\t\d+\.\d\d$/),
    ]);
    expect(lines.at(-3)).toMatch(/^Total: Account\t--\t--\tUSD\t\d{1,3}(,\d{3})+\.\d\d$/);
    expect(lines.at(-2)).toMatch(/^Total: Campaigns\t--\t--\tUSD\t/);
    expect(lines.at(-1)).toBe('');
  });

  it('writes Meta’s export: UTF-8, one row per campaign and day with equal start and end, the currency in the cost header', () => {
    const lines = text(byPlatform.meta!.bytes, 'utf-8').split('\n');
    expect(lines[0]).toBe('\ufeffReporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD)');
    expect(lines[1]).toMatch(/^2026-10-21,2026-10-21,(Retargeting|Spring Prospecting) – [^,]+,1202\d+,\d+\.\d\d$/);
  });

  it('writes Microsoft’s report: quoted "Key: value" lines, a blank line, the quoted table, a blank line and the © footer', () => {
    const lines = text(byPlatform.microsoft!.bytes, 'utf-8').split('\r\n');
    expect(lines.slice(0, 3)).toEqual(['\ufeff"Report Name: Campaign performance"', '"Report Time: 10/21/2026,11/20/2026"', '"Time Zone: (GMT-05:00) Eastern Time"']);
    const header = lines.indexOf('"Gregorian date","Account name","Campaign name","Campaign ID","Currency code","Spend"');
    expect(header).toBeGreaterThan(3);
    expect(lines[header - 1]).toBe('');
    expect(lines[header + 1]).toMatch(/^"10\/21\/2026","Trailhead Outfitters","Bing Search","\d+","USD","\d+\.\d\d"$/);
    expect(lines.slice(-3)).toEqual(['', '"©2026 Microsoft Corporation. All rights reserved. "', '']);
  });

  it('parses back (parseSpendFile, with what the demo tells the import) to exactly the spend the store planned, in minor units', () => {
    for (const file of files) {
      const parsed = parseSpendFile(file.bytes, file.query);
      const planned = store.spend.filter((line) => line.platform === file.platform);
      expect(parsed.profile, file.fileName).toBe(file.platform);
      expect(parsed.lines.map(comparable).sort(byDayAndCampaign), file.fileName).toEqual(planned.map(comparable).sort(byDayAndCampaign));
      expect(parsed.rows, file.fileName).toBe(planned.length);
      expect(parsed.warnings, file.fileName).toEqual([]);
    }
    expect(parseSpendFile(byPlatform.google_ads!.bytes, byPlatform.google_ads!.query).skipped).toEqual({ blank: 0, totals: 2, footer: 0 });
    expect(parseSpendFile(byPlatform.microsoft!.bytes, byPlatform.microsoft!.query).skipped).toEqual({ blank: 1, totals: 0, footer: 1 });
  });

  it('is recognised by profile=auto as the platform that wrote it', () => {
    for (const file of files.filter((candidate) => candidate.platform !== 'generic')) {
      expect(parseSpendFile(file.bytes, { ...file.query, profile: 'auto' }).profile, file.fileName).toBe(file.platform);
    }
  });

  it('writes costs with thousands separators and the currency’s minor unit, and such a file still parses to the cent', () => {
    expect(decimal(0, 'USD', true)).toBe('0.00');
    expect(decimal(5, 'USD', false)).toBe('0.05');
    expect(decimal(123_456_789, 'USD', true)).toBe('1,234,567.89');
    expect(decimal(123_456_789, 'USD', false)).toBe('1234567.89');
    expect(decimal(1_234_567, 'JPY', true)).toBe('1,234,567');
    expect(decimal(1_234_567, 'KWD', true)).toBe('1,234.567');
    const big: AdSpendLine[] = [
      { platform: 'google_ads', account: 'a', day: '2026-11-01', campaignId: '1', campaign: 'Big, "quoted"\tname', currency: 'USD', cost: 123_456_789 },
      { platform: 'google_ads', account: 'a', day: '2026-11-02', campaignId: '1', campaign: 'Big, "quoted"\tname', currency: 'USD', cost: 100_000 },
    ];
    expect(parseSpendFile(googleAdsCampaignReport(big), { profile: 'google_ads', account: 'a' }).lines.map(comparable)).toEqual(big.map(comparable));
  });
});

describe('the demo’s spend joined to its touches (SPEC §12)', () => {
  const store = demoStore(options);

  it('joins as planned: Brand Search, Bing Search and Gear Partners by name, Meta’s campaigns and the display campaign by utm_id, generic-search by its mapping; Performance Max matches nothing', () => {
    const touches = store.people.flatMap((person) => person.touches).map((touch) => normaliseTouch(TouchInputSchema.parse(touch)));
    const match = spendMatcher(campaignsOfTouches(touches), { mappings: store.mappings });
    const outcome = Object.fromEntries(
      DEMO_CAMPAIGNS.map((campaign) => {
        const line = store.spend.find((candidate) => candidate.campaign === campaign.name)!;
        const target = match({ profile: line.platform, campaign: line.campaign, ...(line.campaignId ? { campaignId: line.campaignId } : {}) });
        return [campaign.name, target ? `${target.matchedBy} → ${target.campaign}` : 'unmatched'];
      }),
    );
    expect(outcome).toEqual({
      'Brand Search': 'name → brand search',
      'Generic – Hiking & Camping Gear': 'mapping → generic-search',
      'Performance Max – Tents': 'unmatched',
      'Bing Search': 'name → bing search',
      'Spring Prospecting – Broad Audiences': 'id → spring-prospecting',
      'Retargeting – Site Visitors 30d': 'id → retargeting',
      'Display – Trail Audiences': 'id → trail-display',
      'Gear Partners': 'name → gear partners',
    });
    for (const campaign of DEMO_CAMPAIGNS) expect(outcome[campaign.name]!.split(' ')[0]).toBe(campaign.join === 'none' ? 'unmatched' : campaign.join);
    expect(store.mappings).toEqual([{ campaign: 'generic-search', campaignId: '20458713002', platform: 'google_ads' }]);
    // the unmatched campaign is small next to the rest
    const cost = (name: string) => store.spend.filter((line) => line.campaign === name).reduce((sum, line) => sum + line.cost, 0);
    expect(cost('Performance Max – Tents') * 10).toBeLessThan(store.spend.reduce((sum, line) => sum + line.cost, 0));
  });
});
