import { documentClient } from '../shared/adapters/dynamodb/client.ts';
import { stores } from '../shared/adapters/dynamodb/stores.ts';
import { mulberry32 } from '../shared/attribution/data-driven.ts';
import { converterFor } from '../shared/fx/converter.ts';
import type { FxRate } from '../shared/fx/rates.ts';
import { formatAmount } from '../shared/money/money.ts';
import { type PersonInput, type ProjectionSettings, projectPerson, type ReportingConverter } from '../shared/projection/person.ts';
import { refreshPerson } from '../shared/projection/use-cases.ts';
import { compare, report } from '../shared/read-models/reports.ts';
import { funnel } from '../shared/read-models/views.ts';
import { transactionFromInput } from '../shared/recording/transactions.ts';
import { storeTransaction } from '../shared/recording/use-cases.ts';
import type { ImportedSpendLine, SpendImport } from '../shared/spend/imported.ts';
import { normaliseCampaignName } from '../shared/spend/imports/parse.ts';
import { defaultAttributionConfig } from '../shared/tenants/attribution-config.ts';
import type { TenantRecord } from '../shared/tenants/ports.ts';
import { createTenant, patchConfig } from '../shared/tenants/use-cases.ts';
import { addDays, dayOf } from '../shared/time/days.ts';
import { seedProjections, syntheticPeople } from '../test/support/people.ts';
import { ms, ratio, sideBySide, stats } from './lib.ts';
import type { BenchContext } from './run.ts';

const FROM = '2025-12-01';
const TO = '2026-11-30';
/** The store's currencies and the share of orders in each. */
const CURRENCIES = [
  { code: 'USD', share: 0.4 },
  { code: 'EUR', share: 0.25 },
  { code: 'GBP', share: 0.15 },
  { code: 'JPY', share: 0.1 },
  { code: 'CHF', share: 0.1 },
] as const;
/** ECB reference rates: 1 EUR in each quote, at the decimals the ECB publishes, starting near their late-2025 levels. */
const QUOTES = [
  { quote: 'USD', level: 1.16, decimals: 4 },
  { quote: 'GBP', level: 0.88, decimals: 5 },
  { quote: 'JPY', level: 180, decimals: 2 },
  { quote: 'CHF', level: 0.93, decimals: 4 },
];
/** TARGET holidays in the year: the ECB publishes no rates on them. */
const HOLIDAYS = new Set(['2025-12-25', '2025-12-26', '2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01']);
/** Roughly one US cent in each currency's minor units, for spend amounts of a similar size. */
const CENT = { USD: 1, EUR: 0.86, GBP: 0.75, JPY: 1.55, CHF: 0.8 } as Record<string, number>;
const CAMPAIGNS = 20;

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const perPerson = (value: number, people: number) => (value / people).toFixed(2);

function currencyPicker(seed: number): () => string {
  const next = mulberry32(seed);
  return () => {
    let x = next();
    for (const { code, share } of CURRENCIES) if ((x -= share) < 0) return code;
    return CURRENCIES[0].code;
  };
}

/** `total` synthetic people over the year, month by month, each order in one of the five currencies. */
function yearOfPeople(total: number): PersonInput[] {
  const pick = currencyPicker(2025);
  const people: PersonInput[] = [];
  for (let month = 0; month < 12; month += 1) {
    const start = Date.UTC(2025, 11 + month, 1);
    for (const person of syntheticPeople(Math.round(total / 12), start, 100 + month)) people.push(withCurrencies(person, pick));
  }
  return people;
}

const withCurrencies = (person: PersonInput, pick: () => string): PersonInput => ({ ...person, orders: person.orders.map((order) => ({ ...order, currency: pick() })) });

/** ECB-style rates (base EUR) for every weekday of [from, to] but TARGET holidays: a random walk of at most ±0.5 % a day. */
function ecbRates(from: string, to: string): FxRate[] {
  const next = mulberry32(1999);
  const levels = QUOTES.map((quote) => quote.level);
  const rates: FxRate[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    if (weekday === 0 || weekday === 6 || HOLIDAYS.has(day)) continue;
    QUOTES.forEach(({ quote, decimals }, i) => {
      levels[i]! *= 1 + (next() - 0.5) * 0.01;
      rates.push({ day, base: 'EUR', quote, rate: levels[i]!.toFixed(decimals) });
    });
  }
  return rates;
}

interface SpendFile {
  record: Omit<SpendImport, 'replaced'>;
  lines: ImportedSpendLine[];
}

/** A year of daily spend of each campaign, imported as the spend imports store it: one file per ad account, each account in one of the five currencies. */
function yearOfSpend(): SpendFile[] {
  const next = mulberry32(77);
  return CURRENCIES.map(({ code }, account) => {
    const importId = `bench-currency-${code}`;
    const lines: ImportedSpendLine[] = [];
    for (let day = FROM; day <= TO; day = addDays(day, 1)) {
      for (let i = account; i < CAMPAIGNS; i += CURRENCIES.length) {
        const campaign = `campaign-${i}`;
        const cost = Math.round((2_000 + next() * 20_000) * CENT[code]!);
        lines.push({ profile: 'generic', importId, account: `ads-${code}`, day, campaign, campaignKey: `name:${normaliseCampaignName(campaign)}`, currency: code, cost });
      }
    }
    const record: Omit<SpendImport, 'replaced'> = {
      importId,
      importedAt: '2026-12-01T06:00:00.000Z',
      profile: 'generic',
      account: `ads-${code}`,
      accounts: [`ads-${code}`],
      encoding: 'utf-8',
      delimiter: ',',
      dayZone: 'account',
      preamble: [],
      currencies: [code],
      days: { from: FROM, to: TO },
      rows: lines.length,
      lines: lines.length,
      campaigns: CAMPAIGNS / CURRENCIES.length,
      totals: [{ currency: code, cost: lines.reduce((sum, line) => sum + line.cost, 0) }],
      skipped: { blank: 0, totals: 0, footer: 0 },
      warnings: [],
    };
    return { record, lines };
  });
}

/** The spend files imported, and the campaigns known to the catalog (as touches naming them make them known), so every line is matched. */
async function importSpend(tenantId: string, files: readonly SpendFile[]): Promise<void> {
  const deps = stores();
  await deps.campaigns.rememberCampaigns(
    tenantId,
    Array.from({ length: CAMPAIGNS }, (_, i) => ({ campaign: `campaign-${i}`, source: 'google', medium: 'cpc', channel: 'Paid Search', ids: [] })),
  );
  await Promise.all(files.map(({ record, lines }) => deps.spend.saveImport(tenantId, record, lines)));
}

async function tenantWith(tenantId: string, reporting: boolean, rates: readonly FxRate[]): Promise<TenantRecord> {
  const deps = stores();
  await createTenant(deps.tenants, { tenantId, currency: 'USD', timezone: 'UTC' });
  if (reporting) {
    await patchConfig(deps.tenants, tenantId, { reportingCurrency: 'USD' });
    await deps.fxRates.put(tenantId, rates);
  }
  return (await deps.tenants.getTenant(tenantId))!;
}

/** Records `people` as the API would (touches, stages, orders and refunds), for the projector to read. */
async function record(tenant: TenantRecord, people: readonly PersonInput[]): Promise<void> {
  const deps = stores();
  const { retentionDays } = tenant.config;
  const recordedAt = new Date().toISOString();
  const one = async (person: PersonInput) => {
    const customerId = person.identifiers[0]!.slice(2);
    if (person.touches.length > 0) await deps.records.recordTouches(tenant.tenantId, [...person.touches], retentionDays);
    if (person.stages.length > 0) await deps.records.recordStages(tenant.tenantId, [...person.stages], retentionDays);
    for (const order of person.orders) {
      const money = { currency: order.currency, discount: '0', tax: '0', shipping: '0', salesChannel: 'online_store' as const, person: { customerId } };
      await storeTransaction(
        deps,
        tenant,
        transactionFromInput({ ...money, transactionId: order.transactionId, kind: 'order', occurredAt: order.occurredAt, gross: formatAmount(order.net, order.currency) }, 'api', recordedAt),
      );
      for (const adjustment of order.adjustments) {
        await storeTransaction(
          deps,
          tenant,
          transactionFromInput(
            {
              ...money,
              transactionId: adjustment.transactionId,
              kind: adjustment.kind,
              orderId: order.transactionId,
              occurredAt: adjustment.occurredAt,
              gross: formatAmount(adjustment.counted.net, order.currency),
            },
            'api',
            recordedAt,
          ),
        );
      }
    }
  };
  for (let i = 0; i < people.length; i += 8) await Promise.all(people.slice(i, i + 8).map(one));
}

interface Year {
  people: PersonInput[];
  rates: FxRate[];
  spend: SpendFile[];
  /** The tenant reporting in USD (twin cells) and the one without a reporting currency, with the same people and spend. */
  usd: TenantRecord;
  plain: TenantRecord;
  converter: ReportingConverter;
  /** The rollup cells each tenant's seeding wrote. */
  cells: Record<'plain' | 'usd', number>;
}

/** Two tenants with the same people and spend: one reporting in USD (its people projected with its converter), one without a reporting currency. */
async function seedYear(ctx: BenchContext): Promise<Year> {
  const deps = stores();
  const people = yearOfPeople(ctx.quick ? 2_400 : 10_000);
  const rates = ecbRates(FROM, TO);
  const spend = yearOfSpend();
  const [usd, plain] = await Promise.all([tenantWith('bench-currency-usd', true, rates), tenantWith('bench-currency-plain', false, rates)]);
  // Orders of the year's last days come a few days after TO: a month past it covers their rates.
  const converter = (await converterFor(deps.fxRates, usd, FROM, addDays(TO, 31)))!;
  await Promise.all([usd, plain].map((tenant) => importSpend(tenant.tenantId, spend)));
  const [seededUsd, seededPlain] = await Promise.all([
    seedProjections(deps.projections, usd.tenantId, people, undefined, { reporting: converter }),
    seedProjections(deps.projections, plain.tenantId, people),
  ]);
  return { people, rates, spend, usd, plain, converter, cells: { usd: Object.keys(seededUsd.contributions).length, plain: Object.keys(seededPlain.contributions).length } };
}

function intro({ people, rates, spend }: Year): string[] {
  const orders = people.flatMap((person) => person.orders);
  const refunds = orders.reduce((sum, order) => sum + order.adjustments.length, 0);
  const byCurrency = CURRENCIES.map(({ code }) => `${code} ${count(orders.filter((order) => order.currency === code).length)}`).join(', ');
  return [
    '## Reporting currency',
    '',
    'Each order and refund is converted once, by the projection, at its order day’s rate, into twin cells (part `=USD`) beside its currency’s own in the same partitions; `currency=reporting` reads the same cells and keeps the twins; only spend, which has no projection, is converted at read, line by line. Converting cells at read instead would need a rate per cell and per day, and could not give what SPEC §14 asks: each fact rounded to minor units before the sum, and a refund at its order’s rate, which a day’s sum of refunds no longer knows.',
    '',
    `One tenant reporting in USD, a year (${FROM} … ${TO}) of ${count(people.length)} synthetic people (${count(people.length / 12)} a month; ${count(orders.length)} orders, ${count(refunds)} refunds; orders by currency: ${byCurrency}), ${count(spend.reduce((sum, file) => sum + file.lines.length, 0))} lines of daily spend imported (${CAMPAIGNS} campaigns in ${spend.length} ad accounts, one per currency), ECB-style rates (base EUR; ${QUOTES.map(({ quote }) => quote).join(', ')} on every weekday but TARGET holidays: ${count(rates.length)} rates) stored through the tenant’s rate store; the people projected with the tenant’s converter and written through the store’s own save (\`seedProjections\`). Beside it a tenant with the same people and spend and no reporting currency.`,
    '',
  ];
}

/** The year-long views natively and in the reporting currency on the tenant with twins, and natively on the tenant without. */
async function viewsTables(ctx: BenchContext, { usd, plain }: Year): Promise<string[]> {
  const deps = stores();
  const period = { from: FROM, to: TO };
  const views: Record<string, (tenantId: string, currency?: 'reporting') => Promise<{ missingRates?: unknown[] }>> = {
    'attribution report (linear, groupBy=campaign)': (tenantId, currency) => report(deps, tenantId, { ...period, model: 'linear', groupBy: 'campaign', currency }),
    'compare (every model, groupBy=campaign)': (tenantId, currency) => compare(deps, tenantId, { ...period, groupBy: 'campaign', currency }),
    'funnel (groupBy=campaign)': (tenantId, currency) => funnel(deps, tenantId, { ...period, groupBy: 'campaign', currency }),
  };
  // The counted runs come first and warm the caches; then the timed runs, native and reporting interleaved.
  const rounds = 3;
  const reads: string[] = [];
  const twins: string[] = [];
  for (const [name, view] of Object.entries(views)) {
    const counted = async (tenantId: string, currency?: 'reporting') => {
      ctx.counter.reset();
      const answer = await view(tenantId, currency);
      if (currency && answer.missingRates?.length) throw new Error(`${name}: ${answer.missingRates.length} amounts without a rate`);
      return { requests: ctx.counter.total, described: ctx.counter.describe(), units: ctx.counter.readUnits, items: ctx.counter.itemsRead };
    };
    const withoutTwins = await counted(plain.tenantId);
    const native = await counted(usd.tenantId);
    const reporting = await counted(usd.tenantId, 'reporting');
    const times = await sideBySide({ native: () => view(usd.tenantId), reporting: () => view(usd.tenantId, 'reporting') }, rounds, 0);
    const median = (which: string) => times[which]!.median;
    reads.push(
      `| ${name} | ${native.described} (${native.requests}) | ${native.units} | ${ms(median('native'))} | ${reporting.described} (${reporting.requests}) | ${reporting.units} | ${ms(median('reporting'))} | ${ratio(reporting.requests, native.requests)} | ${ratio(reporting.units, native.units)} | ${ratio(median('reporting'), median('native'))} |`,
    );
    twins.push(
      `| ${name} | ${count(withoutTwins.items)} | ${withoutTwins.units} | ${count(native.items)} | ${native.units} | ${ratio(native.items, withoutTwins.items)} | ${ratio(native.units, withoutTwins.units)} |`,
    );
  }
  return [
    `The year-long views on the tenant reporting in USD, each currency’s own figures (native) and \`currency=reporting\`: the requests and read units of one run, the median time of ${rounds} runs each, interleaved.`,
    '',
    '| view, a year | native: DynamoDB requests | read units | median | reporting: DynamoDB requests | read units | median | reporting / native: requests | read units | time |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...reads,
    '',
    'For each view, the table shows what a year read in the reporting currency costs beside the same year read natively on the same tenant.',
    '',
    '| view, a year, native | items read, no reporting currency | read units | items read, reporting in USD | read units | with / without: items | read units |',
    '|---|---|---|---|---|---|---|',
    ...twins,
    '',
    'The table shows the items and read units of the same native reads on the tenant without a reporting currency and on the tenant with one, whose partitions hold the twin cells too.',
    '',
  ];
}

/** Pure projection throughput of the same people with and without the converter (built once), median of 5 interleaved rounds. */
function projectionRates(people: readonly PersonInput[], converter: ReportingConverter): { without: number; with: number } {
  const config = defaultAttributionConfig('UTC');
  const settings: ProjectionSettings = { config, configFor: () => config, dayOf: (at: string | number) => dayOf(at, 'UTC') };
  const chosen = { without: settings, with: { ...settings, reporting: converter } };
  const rounds = { without: [] as number[], with: [] as number[] };
  for (let round = 0; round < 5; round += 1) {
    for (const name of ['without', 'with'] as const) {
      const started = performance.now();
      for (const person of people) projectPerson(person, chosen[name]);
      rounds[name].push(people.length / ((performance.now() - started) / 1000));
    }
  }
  return { without: stats(rounds.without).median, with: stats(rounds.with).median };
}

interface ProjectorCost {
  requests: number;
  described: string;
  readUnits: number;
  /** Of the items put, estimated from their sizes (RequestCounter). */
  putUnits: number;
  /** Items updated (rollup cells, transactions' summaries, pending steps), which RequestCounter does not size. */
  updates: number;
  median: number;
}

const UPDATES = 'benchCurrencyUpdates';

/** The projector itself on people recorded through the stores: one `refreshPerson` each (read the person, project, save). */
async function projectorCost(ctx: BenchContext, tenant: TenantRecord, sample: readonly PersonInput[]): Promise<ProjectorCost> {
  const deps = stores();
  let updates = 0;
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TransactItems?: Array<{ Update?: unknown }> };
      if (context.commandName === 'UpdateCommand') updates += 1;
      for (const entry of input.TransactItems ?? []) if (entry.Update) updates += 1;
      return next(args);
    },
    { step: 'initialize', name: UPDATES, override: true },
  );
  const times: number[] = [];
  ctx.counter.reset();
  try {
    for (const person of sample) {
      const started = performance.now();
      await refreshPerson(deps, tenant, person.identifiers);
      times.push(performance.now() - started);
    }
  } finally {
    documentClient().middlewareStack.remove(UPDATES);
  }
  return { requests: ctx.counter.total, described: ctx.counter.describe(), readUnits: ctx.counter.readUnits, putUnits: ctx.counter.writeUnits, updates, median: stats(times).median };
}

async function writeSide(ctx: BenchContext, { people, rates, converter, cells }: Year): Promise<string[]> {
  // Every 2nd (--quick) or 5th of the year's people: the same people both ways, spread over the year.
  const measured = people.filter((_, i) => i % (ctx.quick ? 2 : 5) === 0);
  const rate = projectionRates(measured, converter);
  const size = ctx.quick ? 100 : 200;
  const sample = syntheticPeople(size, Date.UTC(2026, 5, 1), 4242).map((person) => withCurrencies(person, currencyPicker(4242)));
  const [plainTenant, usdTenant] = await Promise.all(
    (['plain', 'usd'] as const).map(async (name) => {
      const tenant = await tenantWith(`bench-currency-projector-${name}`, name === 'usd', rates);
      await record(tenant, sample);
      return tenant;
    }),
  );
  const plain = await projectorCost(ctx, plainTenant!, sample);
  const usd = await projectorCost(ctx, usdTenant!, sample);
  const buyers = sample.filter((person) => person.orders.length > 0).length;
  const row = (label: string, value: (cost: ProjectorCost) => number) => `| ${label} | ${perPerson(value(plain), size)} | ${perPerson(value(usd), size)} | ${ratio(value(usd), value(plain))} |`;
  return [
    `The write side: the pure projection (\`projectPerson\` on one core, median of 5 interleaved rounds over ${count(measured.length)} of the year’s people, the converter built once from the year’s rates); the rollup cells of the seeded year; the projector on ${size} people of June 2026 (${buyers} of them buying) recorded through the stores in a tenant of their own each way, one \`refreshPerson\` each (links, projections and history read, with a reporting currency the rates of their order days read, one save).`,
    '',
    '| | no reporting currency | reporting in USD | with / without |',
    '|---|---|---|---|',
    `| pure projection, people/s | ${count(rate.without)} | ${count(rate.with)} | ${ratio(rate.with, rate.without)} |`,
    `| rollup cells of the year | ${count(cells.plain)} | ${count(cells.usd)} | ${ratio(cells.usd, cells.plain)} |`,
    `| projector, DynamoDB requests for ${size} people | ${plain.described} (${plain.requests}) | ${usd.described} (${usd.requests}) | ${ratio(usd.requests, plain.requests)} |`,
    row('projector, requests per person', (cost) => cost.requests),
    row('projector, read units per person', (cost) => cost.readUnits),
    row('projector, write units of the items put per person (estimated from their sizes)', (cost) => cost.putUnits),
    row('projector, items updated per person (rollup cells, transaction summaries; at least 2 write units each in a transaction)', (cost) => cost.updates),
    `| projector, median time per person | ${ms(plain.median)} | ${ms(usd.median)} | ${ratio(usd.median, plain.median)} |`,
    '',
    'The table shows, for the same people without and with a reporting currency, the projection’s throughput, the cells the year holds, and what the projector reads and writes per person.',
    '',
  ];
}

/**
 * SPEC §14: a year-long report in a reporting currency over a store selling
 * in five currencies — the views' requests, read units and time natively and
 * in the reporting currency, and what the twin cells cost the projection.
 */
export async function currencyBench(ctx: BenchContext): Promise<string> {
  const year = await seedYear(ctx);
  const views = await viewsTables(ctx, year);
  const writes = await writeSide(ctx, year);
  return [...intro(year), ...views, ...writes].join('\n');
}
