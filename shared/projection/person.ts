import { allocate } from '../attribution/allocate.ts';
import { MAX_PATH_LENGTH, PATH_SEPARATOR, pathOf } from '../attribution/data-driven.ts';
import { type AttributionResult, attributeAdjustment, attributeOrder, CONVERSION_SHARE_SCALE, type JourneyTouch, type PersonHistory } from '../attribution/engine.ts';
import { HEURISTIC_MODELS } from '../attribution/models.ts';
import type { Identifier } from '../identity/identity.ts';
import type { ReportingAmounts } from '../money/reporting.ts';
import { contribute } from '../read-models/rollups.ts';
import type { Stage } from '../recording/stages.ts';
import { type Touch, withoutDoubledLandings } from '../recording/touches.ts';
import type { Amounts } from '../recording/transactions.ts';
import type { AttributionConfig } from '../tenants/attribution-config.ts';
import { lastDayOfMonth, monthsBetween } from '../time/days.ts';
import { type Contributions, hourBucket, lagBucket, pathLengthBucket, pathShard, reportingPart } from './cells.ts';
import { COHORT_CELL_GROUP_BYS, channelCampaignKey, FUNNEL_GROUP_BYS, type FunnelGroupBy, GROUP_BYS, MAX_COHORT_MONTHS, ROW_GROUPINGS, type RowGrouping } from './groupings.ts';
import { type CustomerLine, type ListingEntry, type OrderLine, type OrdersGrouping, positionOf } from './listings.ts';

/**
 * The person projection (issue 11): everything Baton derives from one
 * person's history, computed by one pure function — the attribution of each
 * of their orders and its refunds and cancellations, their open journey,
 * their funnel row (acquisition, outcomes, cycle times), their handoffs,
 * their path and histogram counts, and their reach — and, for all of it,
 * what they add to the rollup cells. The store keeps the last projection
 * with a version and moves the rollups by the difference, once.
 */

/** The groupings rows are counted under: their lists live in ./groupings.ts, free of Node, for the response schemas too. */
export { FUNNEL_GROUP_BYS, type FunnelGroupBy, GROUP_BYS, type GroupBy, ROW_GROUPINGS, type RowGrouping, SALES_DIMENSIONS, type SalesDimension } from './groupings.ts';

/** The row key of a touch under a grouping. */
export function keyOf(touch: Pick<JourneyTouch, 'channel' | 'campaign' | 'source' | 'medium' | 'kind'>, groupBy: RowGrouping): string {
  switch (groupBy) {
    case 'channel_campaign':
      return channelCampaignKey(touch.channel, touch.campaign ?? '(none)');
    case 'channel':
      return touch.channel;
    case 'campaign':
      return touch.campaign ?? '(none)';
    case 'source_medium':
      return `${touch.source ?? '(direct)'} / ${touch.medium ?? '(none)'}`;
    case 'kind':
      return touch.kind;
  }
}

/** The row of people with no acquiring touch, of sales with no rep. */
export const NONE = '(none)';

export interface AdjustmentInput {
  transactionId: string;
  kind: 'refund' | 'cancellation';
  occurredAt: string;
  /** What the order's settlement counts of it (pending and conflicting ones are not given). */
  counted: Amounts;
}

export interface OrderInput {
  transactionId: string;
  occurredAt: string;
  currency: string;
  net: number;
  /** Net plus tax and shipping (the export's reporting total reads it; the net when not given). */
  total?: number;
  salesChannel: string;
  rep?: string;
  adjustments: AdjustmentInput[];
}

export interface PersonInput {
  identifiers: Identifier[];
  touches: readonly Touch[];
  stages: readonly Stage[];
  orders: readonly OrderInput[];
}

export interface ProjectionSettings {
  /** The tenant's config now: funnel, handoff and open journey use it. */
  config: AttributionConfig;
  /** The config an order is attributed under (the one it was first attributed with, or the current one when recomputed). */
  configFor(orderId: string): AttributionConfig;
  /** The reporting day of an instant (the tenant's calendar). */
  dayOf(at: string | number): string;
  /** With a reporting currency (docs/contract.md#one-reporting-currency): every amount converted once more, into cells of its own. */
  reporting?: ReportingConverter;
}

/** An amount converted into the reporting currency, with the rate it took. */
export interface Converted {
  amount: number;
  /** Decimal string, as the export shows it. */
  rate: string;
  rateDay: string;
}

export interface ReportingConverter {
  currency: string;
  /** `amount` minor units of `from`, for a fact dated `day`, in the reporting currency's minor units (half even); undefined when no rate may be used. */
  convert(amount: number, from: string, day: string): Converted | undefined;
}

/** A qualified person the sales side has not reached within the SLA and who has not bought: listed by GET /v1/handoffs once `deadline` passes. */
export interface DroppedBaton {
  qualifiedAt: string;
  /** H + handoffSlaHours. */
  deadline: string;
  acquiringCampaign: string | null;
}

export interface OrderProjection {
  result: AttributionResult;
  adjustments: Record<string, AttributionResult>;
  /** With a reporting currency: the order's and each adjustment's amounts in it, by transaction id. */
  reporting?: Record<string, ReportingAmounts>;
}

export interface PersonProjection {
  orders: Record<string, OrderProjection>;
  contributions: Contributions;
  /** The person's entries in the listings behind the figures (./listings.ts). */
  listings: ListingEntry[];
  dropped: DroppedBaton[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

function journeyTouch(touch: Touch): JourneyTouch {
  return {
    touchId: touch.touchId,
    at: Date.parse(touch.occurredAt),
    side: touch.side,
    kind: touch.kind,
    channel: touch.channel,
    ...(touch.campaign ? { campaign: touch.campaign } : {}),
    ...(touch.source ? { source: touch.source } : {}),
    ...(touch.medium ? { medium: touch.medium } : {}),
    ...(touch.rep ? { rep: touch.rep } : {}),
  };
}

const byTime = <T extends { at: number }>(a: T, b: T) => a.at - b.at;

/** The projection of one person. Pure: the same input and settings always give the same projection. */
export function projectPerson(input: PersonInput, settings: ProjectionSettings): PersonProjection {
  const touches = withoutDoubledLandings(input.touches)
    .map(journeyTouch)
    .sort((a, b) => a.at - b.at || (a.touchId < b.touchId ? -1 : 1));
  const stages = input.stages.map((stage) => ({ ...stage, at: Date.parse(stage.occurredAt) })).sort(byTime);
  const orders = [...input.orders].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || (a.transactionId < b.transactionId ? -1 : 1));
  const orderTimes = orders.map((order) => Date.parse(order.occurredAt));
  const contributions: Contributions = {};
  const listings: ListingEntry[] = [];
  const projected: Record<string, OrderProjection> = {};

  for (const order of orders) {
    const history: PersonHistory = {
      touches,
      stages: stages.map(({ stage, at }) => ({ stage, at })),
      orderTimes: orderTimes.filter((_, i) => orders[i] !== order),
    };
    const facts = {
      transactionId: order.transactionId,
      at: Date.parse(order.occurredAt),
      currency: order.currency,
      revenue: order.net,
      salesChannel: order.salesChannel,
      ...(order.rep ? { rep: order.rep } : {}),
    };
    const result = attributeOrder(facts, history, settings.configFor(order.transactionId));
    const orderDay = settings.dayOf(order.occurredAt);
    addTransaction(contributions, listings, result, orderDay, 'order', order.salesChannel);
    const twin = settings.reporting && reportingTwin(contributions, settings.reporting, order, orderDay);
    twin?.add(result, orderDay, 'order', order.net, order.total ?? order.net);
    const adjustments: Record<string, AttributionResult> = {};
    for (const adjustment of order.adjustments) {
      const adjusted = attributeAdjustment(result, { transactionId: adjustment.transactionId, kind: adjustment.kind, at: Date.parse(adjustment.occurredAt), amount: adjustment.counted.net });
      adjustments[adjustment.transactionId] = adjusted;
      const day = settings.dayOf(adjustment.occurredAt);
      addTransaction(contributions, listings, adjusted, day, adjustment.kind, order.salesChannel);
      twin?.add(adjusted, day, adjustment.kind, adjustment.counted.net, adjustment.counted.total);
    }
    projected[order.transactionId] = { result, adjustments, ...(twin ? { reporting: twin.amounts } : {}) };
  }

  addOpenJourney(contributions, touches, orderTimes, settings);
  addReach(contributions, touches, settings);
  // The person's transactions in the reporting currency, once for the funnel and the cohort.
  const twin = settings.reporting && inReportingCurrency(orders, projected, settings);
  const acquisition = addFunnel(contributions, listings, input.identifiers, touches, stages, orders, projected, twin, settings);
  addCohort(contributions, listings, input.identifiers[0], orders, projected, twin, acquisition, settings);
  const dropped = addHandoffs(contributions, touches, stages, orderTimes, acquisition, settings);
  return { orders: projected, contributions, listings, dropped };
}

/**
 * A transaction's lines in the orders listings, gathered while its rollups
 * are counted: one per row it adds to, with that row's credit and
 * conversions (per model, or under `sales`).
 */
function orderLines(result: AttributionResult, day: string, kind: OrderLine['kind']) {
  const rows = new Map<string, { groupBy: OrdersGrouping; key: string; credit: Record<string, number>; conversions: Record<string, number> }>();
  const row = (groupBy: OrdersGrouping, key: string) => {
    const id = `${groupBy}\u0000${key}`;
    let found = rows.get(id);
    if (!found) rows.set(id, (found = { groupBy, key, credit: {}, conversions: {} }));
    return found;
  };
  const add = (into: Record<string, number>, name: string, amount: number) => {
    into[name] = (into[name] ?? 0) + amount;
  };
  return {
    /** The row is listed even when the model gives it nothing: its touches count in it. */
    touch: (groupBy: OrdersGrouping, key: string) => void row(groupBy, key),
    credit: (groupBy: OrdersGrouping, key: string, model: string, amount: number) => add(row(groupBy, key).credit, model, amount),
    conversions: (groupBy: OrdersGrouping, key: string, model: string, share: number) => add(row(groupBy, key).conversions, model, share),
    entries(): ListingEntry[] {
      const position = positionOf(day, result.occurredAt, result.transactionId);
      const base = {
        transactionId: result.transactionId,
        kind,
        occurredAt: result.occurredAt,
        day,
        currency: result.currency,
        revenue: result.revenue,
        sourcedBy: result.sourcedBy,
        boundaryAt: result.boundary.at,
      };
      return [...rows.values()].map(({ groupBy, key, credit, conversions }) => ({ listing: 'orders', groupBy, key, position, line: { ...base, credit, conversions } }));
    },
  };
}

/**
 * An order's twin in the reporting currency: each of its transactions
 * converted once at the rate of the order's day (so a full refund nets to
 * zero) and counted again, as if in one more currency, in the cells that
 * are per currency (totals, every model, sales); what has no rate is
 * counted as missing instead, never as 0.
 */
function reportingTwin(contributions: Contributions, reporting: ReportingConverter, order: OrderInput, orderDay: string) {
  const twinCurrency = reportingPart(reporting.currency);
  const amounts: Record<string, ReportingAmounts> = {};
  return {
    amounts,
    /** `net`, `total`: the transaction's own amounts, positive (a refund's refunded net). */
    add(result: AttributionResult, day: string, kind: 'order' | 'refund' | 'cancellation', net: number, total: number): void {
      const converted = reporting.convert(net, order.currency, orderDay);
      if (!converted) {
        amounts[result.transactionId] = { currency: reporting.currency, missing: true, rateDay: orderDay };
        const missing = { measure: 'missingRate', from: order.currency, day: orderDay } as const;
        contribute(contributions, { family: 'totals', day, part: twinCurrency }, missing, result.revenue);
        contribute(contributions, { family: 'sales', day, part: twinCurrency }, missing, result.revenue);
        return;
      }
      const convertedTotal = reporting.convert(total, order.currency, orderDay)!.amount;
      amounts[result.transactionId] = { currency: reporting.currency, rate: converted.rate, rateDay: converted.rateDay, net: converted.amount, total: convertedTotal };
      const revenue = kind === 'order' ? converted.amount : -converted.amount;
      // The converted revenue split over the same credits in the same proportions: every model's credits still sum to it.
      const twin = { ...attributeAdjustment(result, { transactionId: result.transactionId, kind: 'refund', at: Date.parse(result.occurredAt), amount: -revenue }), currency: twinCurrency };
      addTransaction(contributions, [], twin, day, kind, order.salesChannel, true);
    },
  };
}

/**
 * What one attributed transaction adds: totals, every model's rows, paths
 * and their histograms, and the sales side. A reporting twin (`twin`) adds
 * only to the cells that are per currency: its counts are its own
 * currency's, and paths and histograms are counted once, by the original.
 */
function addTransaction(
  contributions: Contributions,
  listings: ListingEntry[],
  result: AttributionResult,
  day: string,
  kind: 'order' | 'refund' | 'cancellation',
  salesChannel: string,
  twin = false,
): void {
  const currency = result.currency;
  const lines = orderLines(result, day, kind);
  const orderSign = kind === 'order' ? 1 : kind === 'cancellation' ? -1 : 0;
  const totals = { family: 'totals', day, part: currency } as const;
  contribute(contributions, totals, { measure: 'revenue' }, result.revenue);
  contribute(contributions, totals, { measure: 'unattributed' }, result.marketing.unattributed);
  contribute(contributions, totals, { measure: 'transactions' }, 1);
  contribute(contributions, totals, { measure: 'orders' }, orderSign);

  const touchById = new Map(result.marketing.touches.map((touch) => [touch.touchId, touch]));
  for (const model of HEURISTIC_MODELS) {
    const cell = { family: model, day, part: currency } as const;
    for (const credit of result.marketing.credits[model]) {
      const touch = touchById.get(credit.touchId);
      if (!touch) continue;
      for (const groupBy of ROW_GROUPINGS) {
        const key = keyOf(touch, groupBy);
        contribute(contributions, cell, { measure: 'revenue', groupBy, key }, credit.amount);
        lines.credit(groupBy, key, model, credit.amount);
      }
    }
    if (orderSign !== 0) {
      for (const { touchId, share } of result.marketing.conversionShares[model]) {
        const touch = touchById.get(touchId);
        if (!touch) continue;
        for (const groupBy of ROW_GROUPINGS) {
          const key = keyOf(touch, groupBy);
          contribute(contributions, cell, { measure: 'conversions', groupBy, key }, orderSign * share);
          lines.conversions(groupBy, key, model, orderSign * share);
        }
      }
    }
    // What no marketing touch earned is listed under (none), beside the rows that have no key under a grouping.
    if (result.marketing.unattributed !== 0) for (const groupBy of GROUP_BYS) lines.credit(groupBy, NONE, model, result.marketing.unattributed);
    if (kind === 'order')
      for (const touch of result.marketing.touches) for (const groupBy of ROW_GROUPINGS) contribute(contributions, cell, { measure: 'touches', groupBy, key: keyOf(touch, groupBy) }, 1);
  }
  for (const touch of result.marketing.touches) for (const groupBy of ROW_GROUPINGS) lines.touch(groupBy, keyOf(touch, groupBy));
  if (result.marketing.touches.length === 0) for (const groupBy of GROUP_BYS) lines.touch(groupBy, NONE);

  if (!twin) addPaths(contributions, result, day, orderSign);
  addSales(contributions, lines, result, day, orderSign, salesChannel);
  if (!twin) listings.push(...lines.entries());
}

/** Paths: Markov's conversions, the paths view's orders and revenue, and the histograms of path length and time lag. */
function addPaths(contributions: Contributions, result: AttributionResult, day: string, orderSign: number): void {
  const currency = result.currency;

  // Paths: Markov's (repeats collapsed) counts conversions; the paths view counts orders and revenue by the journey as collapseRepeats left it.
  const channels = result.marketing.touches.map((touch) => touch.channel);
  const markovPath = pathOf(channels);
  if (markovPath && orderSign !== 0) contribute(contributions, { family: 'paths', day, part: pathShard(markovPath) }, { measure: 'conversions', path: markovPath }, orderSign);
  const journeyPath = channels
    .slice(-MAX_PATH_LENGTH)
    .map((channel) => channel.replaceAll('>', '›'))
    .join(PATH_SEPARATOR);
  // An order with no marketing touch has the empty path: the paths view lists it too.
  const shard = { family: 'paths', day, part: pathShard(journeyPath) } as const;
  contribute(contributions, shard, { measure: 'orders', path: journeyPath }, orderSign);
  contribute(contributions, shard, { measure: 'revenue', currency, path: journeyPath }, result.revenue);
  if (orderSign !== 0) {
    const stats = { family: 'pathstats', day, part: '-' } as const;
    contribute(contributions, stats, { measure: 'pathLength', touches: pathLengthBucket(result.marketing.touches.length) }, orderSign);
    const first = result.marketing.touches[0];
    if (first) contribute(contributions, stats, { measure: 'timeLag', days: lagBucket((Date.parse(result.occurredAt) - first.at) / DAY) }, orderSign);
  }
}

function addSales(contributions: Contributions, lines: ReturnType<typeof orderLines>, result: AttributionResult, day: string, orderSign: number, salesChannel: string): void {
  const currency = result.currency;
  // The sales side: every sale has a seller (the rep of its last sales touch, else the order's, else none) and a sales channel.
  const sales = { family: 'sales', day, part: currency } as const;
  const hoursToOrder = (Date.parse(result.occurredAt) - Date.parse(result.boundary.at)) / HOUR;
  for (const credit of result.sales.credits) {
    const share = result.revenue === 0 ? (orderSign === 0 ? 0 : CONVERSION_SHARE_SCALE) : Math.round((credit.amount / result.revenue) * CONVERSION_SHARE_SCALE);
    for (const [dimension, key] of [
      ['rep', credit.rep ?? NONE],
      ['sales_channel', salesChannel],
    ] as const) {
      contribute(contributions, sales, { measure: 'revenue', dimension, key }, credit.amount);
      lines.credit(dimension, key, 'sales', credit.amount);
      if (orderSign !== 0) {
        contribute(contributions, sales, { measure: 'orders', dimension, key }, orderSign * share);
        lines.conversions(dimension, key, 'sales', orderSign * share);
        contribute(contributions, sales, { measure: 'ordersSourcedBy', sourcedBy: result.sourcedBy, dimension, key }, orderSign);
        contribute(contributions, sales, { measure: 'hoursToOrder', bucket: hourBucket(hoursToOrder), dimension, key }, orderSign);
      }
    }
  }
}

/**
 * A journey that has not converted (yet): the person's marketing touches
 * since their last order, within the lookback of the latest, counted once
 * on the day of its latest touch (Markov's non-converting paths).
 */
function addOpenJourney(contributions: Contributions, touches: readonly JourneyTouch[], orderTimes: readonly number[], settings: ProjectionSettings): void {
  const lastOrder = orderTimes.reduce((latest, at) => Math.max(latest, at), -Infinity);
  const open = touches.filter((touch) => touch.side === 'marketing' && touch.at > lastOrder);
  const latest = open[open.length - 1];
  if (!latest) return;
  const journey = open.filter((touch) => touch.at >= latest.at - settings.config.lookbackDays * DAY);
  const path = pathOf(journey.map((touch) => touch.channel));
  if (path) contribute(contributions, { family: 'paths', day: settings.dayOf(latest.at), part: pathShard(path) }, { measure: 'openJourneys', path }, 1);
}

/** The funnel's reach: each marketing touch on its day, and each person once per key, on the day of their first touch of it. */
function addReach(contributions: Contributions, touches: readonly JourneyTouch[], settings: ProjectionSettings): void {
  const firstOfKey = new Map<string, JourneyTouch>();
  for (const touch of touches) {
    if (touch.side !== 'marketing') continue;
    const day = settings.dayOf(touch.at);
    for (const groupBy of FUNNEL_GROUP_BYS) {
      const key = keyOf(touch, groupBy);
      contribute(contributions, { family: 'funnel', day, part: groupBy }, { measure: 'touches', key }, 1);
      if (!firstOfKey.has(`${groupBy}\u0000${key}`)) firstOfKey.set(`${groupBy}\u0000${key}`, touch);
    }
  }
  for (const [id, touch] of firstOfKey) {
    const [groupBy, key] = id.split('\u0000') as [FunnelGroupBy, string];
    contribute(contributions, { family: 'funnel', day: settings.dayOf(touch.at), part: groupBy }, { measure: 'peopleReached', key }, 1);
  }
}

/**
 * The person's acquisition (docs/contract.md#the-funnel): the first of their lead stage,
 * their qualified stage and their first order; its acquiring touch is the
 * last marketing touch at or before it within the lookback, not Direct if
 * another exists. The person's whole funnel row — outcomes whenever they
 * happen, money, cycle times — is counted on the acquisition's day under
 * that touch's campaign, channel and source/medium.
 */
function addFunnel(
  contributions: Contributions,
  listings: ListingEntry[],
  identifiers: readonly Identifier[],
  touches: readonly JourneyTouch[],
  stages: ReadonlyArray<Stage & { at: number }>,
  orders: readonly OrderInput[],
  projected: Record<string, OrderProjection>,
  twin: InReportingCurrency | undefined,
  settings: ProjectionSettings,
): Acquisition | undefined {
  const firstOf = (name: Stage['stage']) => stages.find((stage) => stage.stage === name)?.at;
  const firstOrderAt = orders[0] ? Date.parse(orders[0].occurredAt) : undefined;
  const candidates = [firstOf('lead'), firstOf('qualified'), firstOrderAt].filter((at): at is number => at !== undefined);
  if (candidates.length === 0) return undefined;
  const at = Math.min(...candidates);
  const reach = touches.filter((touch) => touch.side === 'marketing' && touch.at <= at && touch.at >= at - settings.config.lookbackDays * DAY);
  const acquiring = [...reach].reverse().find((touch) => touch.channel !== 'Direct') ?? reach[reach.length - 1];
  const day = settings.dayOf(at);
  const disqualified = [...stages].reverse().find((stage) => stage.stage === 'disqualified');
  const money = new Map<string, { revenue: number; ordered: number; refunded: number }>();
  for (const order of orders) {
    const sums = money.get(order.currency) ?? { revenue: 0, ordered: 0, refunded: 0 };
    sums.ordered += order.net;
    sums.revenue += order.net;
    for (const adjustment of order.adjustments) {
      sums.refunded += adjustment.counted.net;
      sums.revenue -= adjustment.counted.net;
    }
    money.set(order.currency, sums);
  }
  if (twin) money.set(twin.currency, { revenue: twin.ordered - twin.refunded, ordered: twin.ordered, refunded: twin.refunded });
  const first = orders[0] ? projected[orders[0].transactionId]?.result : undefined;
  const firstMarketing = touches.find((touch) => touch.side === 'marketing');
  const person = identifiers[0];
  const acquiredAt = iso(at);
  for (const groupBy of FUNNEL_GROUP_BYS) {
    const key = acquiring ? keyOf(acquiring, groupBy) : NONE;
    const cell = { family: 'funnel', day, part: groupBy } as const;
    if (person) {
      const line = {
        person,
        identifiers: [...identifiers],
        acquiredAt,
        day,
        lead: firstOf('lead') !== undefined,
        qualified: firstOf('qualified') !== undefined,
        disqualified: disqualified?.reason ?? null,
        customer: orders.length > 0,
        orders: orders.length,
      };
      listings.push({ listing: 'people', groupBy, key, position: positionOf(day, acquiredAt, person), line });
    }
    contribute(contributions, cell, { measure: 'acquired', key }, 1);
    if (firstOf('lead') !== undefined) contribute(contributions, cell, { measure: 'leads', key }, 1);
    if (firstOf('qualified') !== undefined) contribute(contributions, cell, { measure: 'qualified', key }, 1);
    if (disqualified?.reason) contribute(contributions, cell, { measure: 'disqualified', reason: disqualified.reason, key }, 1);
    if (orders.length > 0) contribute(contributions, cell, { measure: 'customers', key }, 1);
    contribute(contributions, cell, { measure: 'orders', key }, orders.length);
    for (const [currency, sums] of money) {
      contribute(contributions, cell, { measure: 'revenue', currency, key }, sums.revenue);
      contribute(contributions, cell, { measure: 'ordered', currency, key }, sums.ordered);
      contribute(contributions, cell, { measure: 'refunded', currency, key }, sums.refunded);
    }
    for (const missing of twin?.missing ?? []) contribute(contributions, cell, { measure: 'missingRate', from: missing.from, day: missing.day }, missing.amount);
    if (first) {
      const boundary = Date.parse(first.boundary.at);
      if (firstMarketing && firstMarketing.at <= boundary) contribute(contributions, cell, { measure: 'marketingCycle', bucket: hourBucket((boundary - firstMarketing.at) / HOUR), key }, 1);
      contribute(contributions, cell, { measure: 'salesCycle', bucket: hourBucket((Date.parse(first.occurredAt) - boundary) / HOUR), key }, 1);
    }
  }
  return { at, campaign: acquiring?.campaign ?? null, channel: acquiring?.channel ?? NONE };
}

/**
 * The person as a customer of a cohort (docs/contract.md#cohorts): the
 * month of their first counted order, which never moves; their share of a
 * customer under each model and grouping, from that order's conversion
 * shares (what no touch earned is `(none)`'s); and, in the month each
 * happens, the net of their orders in the first order's currency less the
 * refunds and cancellations of those (split over the keys exactly), their
 * second order, and their orders in other currencies. Only the months a
 * cohort is read for (MAX_COHORT_MONTHS) are counted.
 */
function addCohort(
  contributions: Contributions,
  listings: ListingEntry[],
  person: Identifier | undefined,
  orders: readonly OrderInput[],
  projected: Record<string, OrderProjection>,
  twin: InReportingCurrency | undefined,
  acquisition: Acquisition | undefined,
  settings: ProjectionSettings,
): void {
  const [first, second] = orders;
  const result = first && projected[first.transactionId]?.result;
  if (!first || !result) return;
  const monthOf = (at: string) => settings.dayOf(at).slice(0, 7);
  const cohort = monthOf(first.occurredAt);
  const currency = first.currency;
  if (person) {
    const own = orders.filter((order) => order.currency === currency);
    const latest = own
      .flatMap((order) => [order.occurredAt, ...order.adjustments.map((adjustment) => adjustment.occurredAt)])
      .sort()
      .at(-1)!;
    const line: CustomerLine = {
      person,
      cohort,
      firstOrderAt: first.occurredAt,
      firstOrderDay: settings.dayOf(first.occurredAt),
      currency,
      acquiringChannel: acquisition?.channel ?? NONE,
      orders: own.map((order) => [
        order.occurredAt,
        settings.dayOf(order.occurredAt),
        order.net,
        order.adjustments.map((adjustment): [string, number] => [adjustment.occurredAt, adjustment.counted.net]),
      ]),
    };
    // Listed at its latest activity: the entry stays open to change while the customer keeps ordering (listings' final days).
    listings.push({ listing: 'customers', groupBy: 'all', key: 'all', position: positionOf(settings.dayOf(latest), first.occurredAt, person), line });
  }
  const events: Array<{ month: string; revenue: number } | { month: string; crossCurrency: true }> = [];
  for (const order of orders) {
    if (order.currency !== currency) {
      events.push({ month: monthOf(order.occurredAt), crossCurrency: true });
      continue;
    }
    events.push({ month: monthOf(order.occurredAt), revenue: order.net });
    for (const adjustment of order.adjustments) events.push({ month: monthOf(adjustment.occurredAt), revenue: -adjustment.counted.net });
  }
  const counted = events.filter((event) => monthsBetween(cohort, event.month) < MAX_COHORT_MONTHS);
  // In the reporting currency every order counts, converted: no order is in another currency.
  const twinEvents = (twin?.converted ?? []).map(({ at, amount }) => ({ month: monthOf(at), revenue: amount })).filter((event) => monthsBetween(cohort, event.month) < MAX_COHORT_MONTHS);
  const twinMissing = (twin?.missing ?? []).filter((missing) => monthsBetween(cohort, monthOf(missing.at)) < MAX_COHORT_MONTHS);
  const touchById = new Map(result.marketing.touches.map((touch) => [touch.touchId, touch]));
  for (const model of HEURISTIC_MODELS) {
    for (const groupBy of COHORT_CELL_GROUP_BYS) {
      const shares = new Map<string, number>();
      for (const { touchId, share } of result.marketing.conversionShares[model]) {
        const touch = touchById.get(touchId);
        if (touch) shares.set(keyOf(touch, groupBy), (shares.get(keyOf(touch, groupBy)) ?? 0) + share);
      }
      const rest = CONVERSION_SHARE_SCALE - [...shares.values()].reduce((sum, share) => sum + share, 0);
      if (rest > 0) shares.set(NONE, (shares.get(NONE) ?? 0) + rest);
      const keys = [...shares.keys()];
      const weights = keys.map((key) => shares.get(key)!);
      for (const part of twin ? [currency, twin.currency] : [currency]) {
        // A month's cell is dated its last day: it becomes final (cells.ts's keepFinal) once the whole month has.
        const cell = (month: string) => ({ family: 'cohorts', slice: `${model}:${groupBy}`, day: lastDayOfMonth(month), part }) as const;
        keys.forEach((key, i) => {
          contribute(contributions, cell(cohort), { measure: 'customers', cohort, key }, weights[i]!);
          if (second && monthsBetween(cohort, monthOf(second.occurredAt)) < MAX_COHORT_MONTHS)
            contribute(contributions, cell(monthOf(second.occurredAt)), { measure: 'repeaters', cohort, key }, weights[i]!);
        });
        for (const event of part === currency ? counted : twinEvents) {
          const amounts = 'crossCurrency' in event ? weights : allocate(event.revenue, weights);
          const measure = 'crossCurrency' in event ? 'crossCurrencyOrders' : 'revenue';
          for (const [i, key] of keys.entries()) contribute(contributions, cell(event.month), { measure, cohort, key }, amounts[i]!);
        }
        if (part !== currency)
          for (const missing of twinMissing) contribute(contributions, cell(monthOf(missing.at)), { measure: 'missingRate', from: missing.from, day: missing.day }, missing.amount);
      }
    }
  }
}

/**
 * A person's transactions in the reporting currency, as their orders'
 * twins converted them (`reportingTwin`): orders and refunds apart, and
 * what had no rate (signed: an order's net, a refund's negative).
 */
type InReportingCurrency = ReturnType<typeof inReportingCurrency>;

function inReportingCurrency(orders: readonly OrderInput[], projected: Record<string, OrderProjection>, settings: ProjectionSettings) {
  const missing: Array<{ from: string; day: string; amount: number; at: string }> = [];
  const converted: Array<{ at: string; amount: number }> = [];
  let ordered = 0;
  let refunded = 0;
  for (const order of orders) {
    const amounts = projected[order.transactionId]?.reporting ?? {};
    const facts = [
      { transactionId: order.transactionId, at: order.occurredAt, sign: 1, net: order.net },
      ...order.adjustments.map((adjustment) => ({ transactionId: adjustment.transactionId, at: adjustment.occurredAt, sign: -1, net: adjustment.counted.net })),
    ];
    for (const fact of facts) {
      const amount = amounts[fact.transactionId];
      if (!amount || 'missing' in amount) {
        missing.push({ from: order.currency, day: settings.dayOf(order.occurredAt), amount: fact.sign * fact.net, at: fact.at });
        continue;
      }
      if (fact.sign > 0) ordered += amount.net;
      else refunded += amount.net;
      converted.push({ at: fact.at, amount: fact.sign * amount.net });
    }
  }
  return { currency: reportingPart(settings.reporting!.currency), ordered, refunded, missing, converted };
}

interface Acquisition {
  at: number;
  campaign: string | null;
  channel: string;
}

/**
 * Every qualification (the first `qualified` of each purchase cycle) is a
 * handoff: from the boundary H (the qualification, or an earlier sales
 * touch of the cycle when sales touches end marketing) to the first sales
 * touch at or after it — or, in a store without a sales team, to the order
 * that completes the checkout. Counted on the qualification's day; a person
 * not reached within the SLA who has not bought since is a dropped baton
 * (an abandoned checkout, without a sales team).
 */
function addHandoffs(
  contributions: Contributions,
  touches: readonly JourneyTouch[],
  stages: ReadonlyArray<Stage & { at: number }>,
  orderTimes: readonly number[],
  acquisition: Acquisition | undefined,
  settings: ProjectionSettings,
): DroppedBaton[] {
  const { config } = settings;
  const sla = config.handoffSlaHours * HOUR;
  const sales = touches.filter((touch) => touch.side === 'sales');
  const dropped: DroppedBaton[] = [];
  // One qualification per purchase cycle (each order starts a new one when resetOnOrder).
  const cycleOf = (at: number) => (config.resetOnOrder ? orderTimes.filter((time) => time < at).length : 0);
  const cycles = new Set<number>();
  const qualifications: number[] = [];
  for (const stage of stages) {
    if (stage.stage !== 'qualified' || cycles.has(cycleOf(stage.at))) continue;
    cycles.add(cycleOf(stage.at));
    qualifications.push(stage.at);
  }
  for (const qualifiedAt of qualifications) {
    const previousOrder = orderTimes.filter((at) => at < qualifiedAt).reduce((latest, at) => Math.max(latest, at), -Infinity);
    const earlierSales = config.boundary.includes('sales_touch') ? sales.find((touch) => touch.at > (config.resetOnOrder ? previousOrder : -Infinity) && touch.at <= qualifiedAt) : undefined;
    const H = earlierSales ? earlierSales.at : qualifiedAt;
    const reached =
      config.salesTeam === false
        ? orderTimes.filter((at) => at >= H).reduce<{ at: number } | undefined>((first, at) => (first && first.at <= at ? first : { at }), undefined)
        : sales.find((touch) => touch.at >= H);
    const cell = { family: 'handoff', day: settings.dayOf(qualifiedAt), part: '-' } as const;
    contribute(contributions, cell, { measure: 'qualified' }, 1);
    if (reached) {
      contribute(contributions, cell, { measure: 'contacted' }, 1);
      contribute(contributions, cell, { measure: 'hoursToContact', bucket: hourBucket((reached.at - H) / HOUR) }, 1);
      if (reached.at - H <= sla) contribute(contributions, cell, { measure: 'withinSla' }, 1);
    }
    const boughtSince = orderTimes.some((at) => at >= qualifiedAt);
    if ((!reached || reached.at - H > sla) && !boughtSince) dropped.push({ qualifiedAt: iso(qualifiedAt), deadline: iso(H + sla), acquiringCampaign: acquisition?.campaign ?? null });
  }
  return dropped;
}
