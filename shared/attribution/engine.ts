import type { ReportingAmounts } from '../money/reporting.ts';
import type { AttributionConfig } from '../tenants/attribution-config.ts';
import { allocate } from './allocate.ts';
import { creditsInto, type JourneyColumns, MODEL_COUNT } from './kernel.ts';
import { HEURISTIC_MODELS, type HeuristicModel } from './models.ts';

const HOUR = 3_600_000;
/** A whole conversion, in the millionths conversion shares are counted in. */
export const CONVERSION_SHARE_SCALE = 1_000_000;
const DAY = 24 * HOUR;

/** What the engine needs of a touch. `at` is epoch milliseconds. */
export interface JourneyTouch {
  touchId: string;
  at: number;
  side: 'marketing' | 'sales';
  kind: string;
  channel: string;
  campaign?: string;
  source?: string;
  medium?: string;
  rep?: string;
}

export interface JourneyStage {
  stage: 'lead' | 'qualified' | 'disqualified';
  at: number;
}

export interface OrderFacts {
  transactionId: string;
  at: number;
  currency: string;
  /** R: net, tax and shipping excluded, in minor units. */
  revenue: number;
  salesChannel: string;
  rep?: string;
}

export type BoundaryReason = 'sales_touch' | 'qualified' | 'transaction';

export interface MarketingCredit {
  touchId: string;
  channel: string;
  campaign: string | null;
  amount: number;
}

export interface SalesCredit {
  touchId: string | null;
  rep: string | null;
  amount: number;
}

export interface AttributionResult {
  transactionId: string;
  occurredAt: string;
  currency: string;
  revenue: number;
  window: { from: string; to: string };
  boundary: { at: string; reason: BoundaryReason };
  sourcedBy: 'marketing' | 'sales' | 'none';
  marketing: {
    touches: JourneyTouch[];
    credits: Record<HeuristicModel, MarketingCredit[]>;
    unattributed: number;
    /** Each touch's share of the conversion per model, in millionths (reports count fractional conversions with it). */
    conversionShares: Record<HeuristicModel, Array<{ touchId: string; share: number }>>;
  };
  sales: { salesChannel: string; touches: JourneyTouch[]; credits: SalesCredit[] };
  afterBoundary: JourneyTouch[];
}

export interface PersonHistory {
  touches: readonly JourneyTouch[];
  stages: readonly JourneyStage[];
  /** Times of the person's earlier orders (any order, for the journey reset). */
  orderTimes: readonly number[];
}

const byTime = (a: JourneyTouch, b: JourneyTouch) => a.at - b.at || (a.touchId < b.touchId ? -1 : a.touchId > b.touchId ? 1 : 0);
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * docs/contract.md#the-line-between-marketing-and-sales for one order: the window, the boundary, the two journeys, who
 * sourced the sale, and the credits under every heuristic model. Pure: the
 * same history, order and config always give the same result, whatever the
 * order of the inputs.
 */
export function attributeOrder(order: OrderFacts, history: PersonHistory, config: AttributionConfig): AttributionResult {
  const T = order.at;
  let from = T - config.lookbackDays * DAY;
  let fromExclusive = false;
  if (config.resetOnOrder) {
    const previous = history.orderTimes.filter((time) => time < T).reduce((latest, time) => Math.max(latest, time), -Infinity);
    if (previous >= from) {
      from = previous;
      fromExclusive = true; // a touch at the previous order's moment converted that order
    }
  }
  const inWindow = (at: number) => (fromExclusive ? at > from : at >= from) && at <= T;
  const touches = history.touches.filter((touch) => inWindow(touch.at)).sort(byTime);
  const stages = history.stages.filter((stage) => inWindow(stage.at));

  // 1. The boundary H: the earliest of the enabled events, else the order itself.
  let H = T;
  let reason: BoundaryReason = 'transaction';
  if (config.boundary.includes('sales_touch')) {
    const firstSales = touches.find((touch) => touch.side === 'sales');
    if (firstSales && firstSales.at < H) [H, reason] = [firstSales.at, 'sales_touch'];
  }
  if (config.boundary.includes('qualified')) {
    const qualified = stages.filter((stage) => stage.stage === 'qualified').reduce((earliest, stage) => Math.min(earliest, stage.at), Infinity);
    if (qualified < H || (qualified === H && reason === 'transaction')) [H, reason] = [qualified, 'qualified'];
  }

  // 2. The marketing journey: up to and including H; impressions only within the view-through window.
  const viewThroughFrom = H - config.viewThroughHours * HOUR;
  const marketingSide = touches.filter((touch) => touch.side === 'marketing');
  let journey = marketingSide.filter((touch) => touch.at <= H && (touch.kind !== 'impression' || touch.at >= viewThroughFrom));
  if (config.collapseRepeats) journey = journey.filter((touch, i) => i === 0 || journey[i - 1]!.channel !== touch.channel);
  const afterBoundary = marketingSide.filter((touch) => touch.at > H);

  // 3. The sales journey: sales-side touches from H on.
  const salesJourney = touches.filter((touch) => touch.side === 'sales' && touch.at >= H);

  // 4. Sourced by the side of the first touch of the combined journey.
  const first = [...journey.slice(0, 1), ...salesJourney.slice(0, 1)].sort(byTime)[0];
  const sourcedBy = first ? first.side : 'none';

  const R = order.revenue;
  const leadAt = stages.filter((stage) => stage.stage === 'lead' && stage.at <= H).reduce((earliest, stage) => Math.min(earliest, stage.at), Infinity);
  let leadIndex = -1;
  for (let i = journey.length - 1; i >= 0; i -= 1) {
    if (journey[i]!.at <= leadAt) {
      leadIndex = i;
      break;
    }
  }
  const n = journey.length;
  const columns: JourneyColumns = {
    n,
    at: Float64Array.from(journey, (touch) => touch.at),
    direct: Uint8Array.from(journey, (touch) => (touch.channel === 'Direct' ? 1 : 0)),
    leadIndex,
  };
  const amounts = new Float64Array(MODEL_COUNT * n);
  const shares = new Float64Array(MODEL_COUNT * n);
  creditsInto(columns, R, config, amounts);
  creditsInto(columns, CONVERSION_SHARE_SCALE, config, shares);
  const credits = {} as Record<HeuristicModel, MarketingCredit[]>;
  const conversionShares = {} as Record<HeuristicModel, Array<{ touchId: string; share: number }>>;
  HEURISTIC_MODELS.forEach((model, m) => {
    const modelCredits: MarketingCredit[] = [];
    const modelShares: Array<{ touchId: string; share: number }> = [];
    for (let i = 0; i < n; i += 1) {
      const touch = journey[i]!;
      const amount = amounts[m * n + i]!;
      if (amount !== 0) modelCredits.push({ touchId: touch.touchId, channel: touch.channel, campaign: touch.campaign ?? null, amount });
      const share = shares[m * n + i]!;
      if (share !== 0) modelShares.push({ touchId: touch.touchId, share });
    }
    credits[model] = modelCredits;
    conversionShares[model] = modelShares;
  });

  const salesCredits: SalesCredit[] =
    salesJourney.length > 0
      ? [{ touchId: salesJourney[salesJourney.length - 1]!.touchId, rep: salesJourney[salesJourney.length - 1]!.rep ?? order.rep ?? null, amount: R }]
      : [{ touchId: null, rep: order.rep ?? null, amount: R }];

  return {
    transactionId: order.transactionId,
    occurredAt: iso(T),
    currency: order.currency,
    revenue: R,
    window: { from: iso(from), to: iso(T) },
    boundary: { at: iso(H), reason },
    sourcedBy,
    marketing: { touches: journey, credits, unattributed: journey.length === 0 ? R : 0, conversionShares },
    sales: { salesChannel: order.salesChannel, touches: salesJourney, credits: salesCredits },
    afterBoundary,
  };
}

export interface AdjustmentFacts {
  transactionId: string;
  kind: 'refund' | 'cancellation';
  at: number;
  /** The refunded or cancelled net, positive, in minor units. */
  amount: number;
}

/**
 * A refund or cancellation carries negative credits in the same
 * proportions as its order under every model (a cancellation of the whole
 * order reverses it exactly); the boundary and journeys are the order's.
 */
export function attributeAdjustment(order: AttributionResult, adjustment: AdjustmentFacts): AttributionResult {
  const revenue = -adjustment.amount;
  const proportional = <C extends { amount: number }>(credits: C[], unattributed: number): { credits: C[]; unattributed: number } => {
    const weights = [...credits.map((credit) => Math.abs(credit.amount)), Math.abs(unattributed)];
    if (weights.every((weight) => weight === 0)) return { credits: credits.map((credit) => ({ ...credit, amount: 0 })), unattributed: revenue };
    const parts = allocate(revenue, weights);
    return { credits: credits.map((credit, i) => ({ ...credit, amount: parts[i]! })), unattributed: parts[credits.length]! };
  };
  const credits = {} as Record<HeuristicModel, MarketingCredit[]>;
  let unattributed = 0;
  for (const model of HEURISTIC_MODELS) {
    const split = proportional(order.marketing.credits[model], order.marketing.unattributed);
    credits[model] = split.credits;
    unattributed = split.unattributed;
  }
  return {
    ...order,
    transactionId: adjustment.transactionId,
    occurredAt: iso(adjustment.at),
    revenue,
    marketing: { ...order.marketing, credits, unattributed },
    sales: { ...order.sales, credits: proportional(order.sales.credits, 0).credits },
  };
}

/** What an export line shows of an attribution: who sourced it, when the baton passed, the top credit per model. */
export interface AttributionSummary {
  sourcedBy: AttributionResult['sourcedBy'];
  boundaryAt: string;
  top: Record<HeuristicModel, { campaign: string | null; channel: string } | null>;
  /** With a reporting currency: the transaction in it (the projection converts it). */
  reporting?: ReportingAmounts;
}

export function summarise(result: AttributionResult): AttributionSummary {
  const top = {} as AttributionSummary['top'];
  for (const model of HEURISTIC_MODELS) {
    // The largest credit (refunds: the most negative); the earlier touch among equals.
    let best: MarketingCredit | undefined;
    for (const credit of result.marketing.credits[model]) if (!best || Math.abs(credit.amount) > Math.abs(best.amount)) best = credit;
    top[model] = best ? { campaign: best.campaign, channel: best.channel } : null;
  }
  return { sourcedBy: result.sourcedBy, boundaryAt: result.boundary.at, top };
}
