import { describe, expect, it } from 'vitest';
import { type AdSpendLine, decimal, googleAdsCampaignReport, spendFiles } from '../../scripts/demo/spend-files.ts';
import { DEMO_CAMPAIGNS, DEMO_DEFAULTS, type DemoStore, demoConfig, demoSpan, demoStore, type PersonRecords, recordCount, type ShopifyDelivery } from '../../scripts/demo/store.ts';
import { normaliseTouch, TouchInputSchema } from '../../shared/recording/touches.ts';
import { campaignsOfTouches } from '../../shared/spend/catalog.ts';
import { parseSpendFile } from '../../shared/spend/imports/parse.ts';
import { spendMatcher } from '../../shared/spend/join.ts';
import { daysBetween } from '../../shared/time/days.ts';

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
    expect(() => demoStore({ ...options, days: 1097 })).toThrow(/days/);
    expect(() => demoStore({ ...options, days: undefined, months: 0 })).toThrow(/months/);
    expect(() => demoStore({ ...options, days: undefined, months: 37 })).toThrow(/months/);
    expect(() => demoStore({ ...options, visitorsPerDay: 1.5 })).toThrow(/visitors/);
  });
});

/** The default store `npm run demo` fills a tenant with (13 months of 8 visitors a day), ending on a fixed day. */
const defaults = { visitorsPerDay: DEMO_DEFAULTS.visitorsPerDay, until: new Date('2026-11-20T18:00:00Z'), timezone: 'America/New_York' };
const monthIn = (at: string) => new Intl.DateTimeFormat('en-CA', { timeZone: defaults.timezone, year: 'numeric', month: '2-digit' }).format(new Date(at)).slice(0, 7);
const monthsFrom = (from: string, to: string) => (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
const isOrder = (delivery: ShopifyDelivery) => delivery.topic === 'orders/create';

/** Each known customer's orders in time order, with the person they belong to. */
function customersOf(store: DemoStore): Array<{ person: PersonRecords; orders: ShopifyDelivery[]; cohort: string }> {
  const customers = new Map<string, { person: PersonRecords; orders: ShopifyDelivery[] }>();
  for (const person of store.people) {
    for (const delivery of person.deliveries.filter(isOrder)) {
      const id = (delivery.payload.customer as { id: number } | null)?.id;
      if (id === undefined) continue;
      const customer = customers.get(String(id)) ?? { person, orders: [] };
      expect(customer.person, `customer ${id} is one person`).toBe(person);
      customer.orders.push(delivery);
      customers.set(String(id), customer);
    }
  }
  return [...customers.values()].map((customer) => ({ ...customer, cohort: monthIn(customer.orders[0]!.occurredAt) }));
}

/** The default store, its customers and its 13 months (2025-11 … 2026-11). */
const store = demoStore(defaults);
const customers = customersOf(store);
const months = Array.from({ length: 13 }, (_, k) => `${2025 + Math.floor((10 + k) / 12)}-${String(((10 + k) % 12) + 1).padStart(2, '0')}`);

describe('the default demo store: a year of customers who come back (SPEC §13, cohorts)', () => {
  it('spans 13 calendar months by default: twelve whole months from the first of the month, and the current one so far', () => {
    expect(DEMO_DEFAULTS.months).toBeGreaterThanOrEqual(13);
    expect(demoSpan(defaults)).toEqual({ from: '2025-11-01', to: '2026-11-20', days: 384 });
    expect(months[0]).toBe('2025-11');
    expect(months.at(-1)).toBe('2026-11');
    expect(store.people[0]!.day).toBe('2025-11-01');
    // every month has new customers: thirteen cohorts, each of at least a dozen
    const cohorts = new Map<string, number>();
    for (const customer of customers) cohorts.set(customer.cohort, (cohorts.get(customer.cohort) ?? 0) + 1);
    expect([...cohorts.keys()].sort()).toEqual(months);
    for (const month of months.slice(0, -1)) expect(cohorts.get(month), month).toBeGreaterThanOrEqual(12);
    expect(store.people.flatMap((person) => person.deliveries).every((delivery) => delivery.occurredAt <= defaults.until.toISOString())).toBe(true);
  });

  it('has repeat customers: of each early cohort (first order in month m), some order again in m+1 … m+6, in every one of those months across the cohorts, fewer as months pass, a few nearly every month', () => {
    const early = months.slice(0, 6);
    const returning = Array.from({ length: 7 }, () => 0);
    let cohortSize = 0;
    for (const month of early) {
      const cohort = customers.filter((customer) => customer.cohort === month);
      cohortSize += cohort.length;
      const offsets = (customer: (typeof cohort)[number]) => new Set(customer.orders.slice(1).map((order) => monthsFrom(month, monthIn(order.occurredAt))));
      // within the half year after their first month, some of every early cohort's customers order again
      expect(cohort.filter((customer) => [...offsets(customer)].some((k) => k >= 1 && k <= 6)).length, month).toBeGreaterThanOrEqual(2);
      for (let k = 1; k <= 6; k += 1) returning[k]! += cohort.filter((customer) => offsets(customer).has(k)).length;
    }
    for (let k = 1; k <= 6; k += 1) expect(returning[k], `m+${k}`).toBeGreaterThan(0);
    const share = (k: number) => returning[k]! / cohortSize;
    // about a quarter order again the month after their first order, fewer later
    expect(share(1)).toBeGreaterThan(0.15);
    expect(share(1)).toBeLessThan(0.4);
    expect(share(6)).toBeLessThan(share(1) * 0.7);
    expect(share(6)).toBeGreaterThan(0.02);
    // loyal ones: a few of the first cohorts' customers order in half of their months or more
    const loyal = customers.filter((customer) => early.includes(customer.cohort) && new Set(customer.orders.map((order) => monthIn(order.occurredAt))).size >= 7);
    expect(loyal.length).toBeGreaterThanOrEqual(3);
    // a reorder is the same customer as the first order, mostly after a visit of theirs (a touch of the same browser)
    const reorders = customers.flatMap((customer) => customer.orders.slice(1).map((order) => ({ customer, order })));
    expect(reorders.length).toBeGreaterThan(customers.length * 0.5);
    const landed = reorders.filter(({ order }) => (order.payload.note_attributes as unknown[]).length > 0);
    expect(landed.length / reorders.length).toBeGreaterThan(0.5);
    for (const { customer, order } of landed) {
      const [aid, landedAt] = order.payload.note_attributes as Array<{ value: string }>;
      expect(customer.person.touches.some((touch) => touch.person.anonymousId === aid!.value && touch.occurredAt === landedAt!.value && touch.occurredAt < order.occurredAt)).toBe(true);
    }
  });

  it('gives channels customers of different value: the newsletter’s and organic search’s come back more than paid social’s and display’s', () => {
    // the channel that won the customer: their last touch before the first order that was not a direct visit (last_non_direct)
    const channelOf = (customer: (typeof customers)[number]) => {
      const before = customer.person.touches.filter((touch) => touch.occurredAt < customer.orders[0]!.occurredAt && (touch.url!.includes('utm_') || touch.url!.includes('clid=') || touch.referrer));
      const last = before.at(-1);
      if (!last) return 'direct';
      const medium = new URL(last.url!).searchParams.get('utm_medium');
      return medium ?? (last.referrer === 'https://www.google.com/' && !last.url!.includes('gclid=') ? 'organic' : 'other');
    };
    // customers of the first six cohorts, who have had half a year to come back
    const early = customers.filter((customer) => customer.cohort <= months[5]!);
    const repeatRate = (channels: string[]) => {
      const of = early.filter((customer) => channels.includes(channelOf(customer)));
      expect(of.length, channels.join()).toBeGreaterThanOrEqual(10);
      return of.filter((customer) => customer.orders.length > 1).length / of.length;
    };
    const loyal = repeatRate(['email', 'organic']);
    const fickle = repeatRate(['paid_social', 'display']);
    expect(loyal).toBeGreaterThan(fickle * 1.5);
  });
});

describe('the default demo store: refunds, cancellations and spend in every month', () => {
  it('has refunds dated after their orders, spread over the months, some a month or more after the order; and cancellations after theirs', () => {
    const orderAt = new Map<number, string>();
    for (const person of store.people) for (const delivery of person.deliveries.filter(isOrder)) orderAt.set(delivery.payload.id as number, delivery.occurredAt);
    const refunds = store.people.flatMap((person) => person.deliveries.filter((delivery) => delivery.topic === 'refunds/create'));
    for (const refund of refunds) {
      const ordered = orderAt.get(refund.payload.order_id as number);
      expect(ordered, refund.eventId).toBeDefined();
      expect(refund.occurredAt > ordered!, refund.eventId).toBe(true);
      expect(refund.payload.created_at).toBe(refund.occurredAt);
    }
    expect(new Set(refunds.map((refund) => monthIn(refund.occurredAt))).size).toBeGreaterThanOrEqual(10);
    const late = refunds.filter((refund) => Date.parse(refund.occurredAt) - Date.parse(orderAt.get(refund.payload.order_id as number)!) > 30 * 86_400_000);
    expect(late.length).toBeGreaterThanOrEqual(2);
    // refunds of later orders of a customer: their cohort's value goes down in a later month
    const reorderIds = new Set(customers.flatMap((customer) => customer.orders.slice(1).map((order) => order.payload.id as number)));
    expect(refunds.filter((refund) => reorderIds.has(refund.payload.order_id as number)).length).toBeGreaterThan(0);
    const cancellations = store.people.flatMap((person) => person.deliveries.filter((delivery) => delivery.topic === 'orders/cancelled'));
    for (const cancellation of cancellations) expect(cancellation.occurredAt > orderAt.get(cancellation.payload.id as number)!).toBe(true);
    expect(new Set(cancellations.map((cancellation) => monthIn(cancellation.occurredAt))).size).toBeGreaterThanOrEqual(3);
  });

  it('spends every month on every paid campaign, in proportion to its traffic, in files of a sane size', () => {
    for (const campaign of DEMO_CAMPAIGNS) {
      const spent = store.spend.filter((line) => line.campaign === campaign.name);
      expect(new Set(spent.map((line) => line.day)).size, campaign.name).toBe(385);
      expect([...new Set(spent.map((line) => line.day.slice(0, 7)))], campaign.name).toEqual(months);
      for (const month of months)
        expect(
          spent.filter((line) => line.day.startsWith(month)).reduce((sum, line) => sum + line.cost, 0),
          `${campaign.name} ${month}`,
        ).toBeGreaterThan(0);
    }
    // the budgets follow the traffic: a store of half the visitors spends about half as much
    const total = (lines: typeof store.spend) => lines.reduce((sum, line) => sum + line.cost, 0);
    const half = total(demoStore({ ...defaults, visitorsPerDay: DEMO_DEFAULTS.visitorsPerDay / 2 }).spend) / total(store.spend);
    expect(half).toBeGreaterThan(0.45);
    expect(half).toBeLessThan(0.55);
    // one file per platform for the whole span, each well under what an import takes (4 MiB)
    const files = spendFiles(store.spend, { timezone: defaults.timezone });
    expect(files.map((file) => file.platform)).toEqual(['google_ads', 'meta', 'microsoft', 'generic']);
    for (const file of files) {
      expect(file.bytes.length, file.fileName).toBeLessThan(1024 * 1024);
      expect([file.lines[0]!.day, file.lines.at(-1)!.day], file.fileName).toEqual(['2025-11-01', '2026-11-20']);
    }
  });

  it('is planned quickly, and stays within a size npm run demo sends in reasonable time', () => {
    const started = performance.now();
    demoStore(defaults);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(recordCount(store)).toBeGreaterThan(5_000);
    expect(recordCount(store)).toBeLessThan(16_000);
  });
});

describe('a store of a number of days (the sizes the dashboard test and the bench send)', () => {
  it('covers those days and the day of `until`, as it did before it learnt months', () => {
    const store = demoStore({ ...options, days: 21, visitorsPerDay: 12 });
    expect(demoSpan({ ...options, days: 21 })).toEqual({ from: '2026-10-30', to: '2026-11-20', days: 21 });
    expect(new Set(store.spend.map((line) => line.day)).size).toBe(22);
    expect(store.people[0]!.day).toBe('2026-10-30');
  });

  it('sets the tenant’s retention only where the history needs it: every day of it stays open (not final) while it arrives', () => {
    expect(demoConfig(demoSpan({ ...options, days: 90 }))).toEqual({ retentionDays: 400, grossMarginPercent: 45 });
    const year = demoSpan(defaults);
    const { retentionDays } = demoConfig(year);
    // a day is final once it is older than the retention less 91 days (shared/projection/use-cases.ts)
    expect(retentionDays - 91).toBeGreaterThan(daysBetween(year.from, year.to) + 30);
    expect(retentionDays).toBe(730);
    expect(demoConfig(demoSpan({ ...defaults, months: 36 })).retentionDays - 91).toBeGreaterThan(36 * 31);
  });

  it('gets few later orders from a short history: customers come back over months, not days', () => {
    const store = demoStore({ ...options, days: 21, visitorsPerDay: 12 });
    const customers = customersOf(store);
    expect(customers.filter((customer) => customer.orders.length > 1).length).toBeLessThanOrEqual(Math.ceil(customers.length * 0.1));
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
