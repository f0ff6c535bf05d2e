import { CONVERSION_SHARE_SCALE, type AttributionResult, type JourneyTouch } from './engine.ts';
import { pathOf } from './data-driven.ts';
import { HEURISTIC_MODELS, type HeuristicModel } from './models.ts';

export const GROUP_BYS = ['channel', 'campaign', 'source_medium', 'kind'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** Conversions are kept as integer millionths, so fractional conversions still sum exactly. */
export const CONVERSION_SCALE = CONVERSION_SHARE_SCALE;

/**
 * What one attributed transaction adds to the pre-aggregated rollups:
 * per rollup cell (day in the tenant's time zone, currency, model or
 * `totals`), per attribute, an integer. Reports sum cells over days; a
 * re-attribution writes only the difference from what was added before.
 *
 * Attribute names: `r|<groupBy>|<key>` revenue credited, `c|…` conversions
 * (millionths), `n|…` journey touches; in `totals`: `revenue`,
 * `unattributed`, `transactions`.
 */
export type Contributions = Record<string, Record<string, number>>;

export function cellKey(day: string, currency: string, model: HeuristicModel | 'totals' | 'paths'): string {
  return `${model}|${day}|${currency}`;
}

/** Path counts are spread over a few cells per day so no cell nears DynamoDB's 400 KB. */
export const PATH_SHARDS = 4;

/** The cell holding a path's counts for a day: `c|<path>` conversions, `n|<path>` journeys without one. */
export function pathCell(day: string, path: string): string {
  let hash = 2_166_136_261;
  for (let i = 0; i < path.length; i += 1) hash = Math.imul(hash ^ path.charCodeAt(i), 16_777_619);
  return cellKey(day, `s${(hash >>> 0) % PATH_SHARDS}`, 'paths');
}

export function keyOf(touch: Pick<JourneyTouch, 'channel' | 'campaign' | 'source' | 'medium' | 'kind'>, groupBy: GroupBy): string {
  switch (groupBy) {
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

function add(target: Record<string, number>, attribute: string, value: number): void {
  if (value === 0) return;
  target[attribute] = (target[attribute] ?? 0) + value;
}

/** `kind`: an order counts as a conversion (a cancellation takes it back); a refund moves revenue only. */
export function contributionsOf(result: AttributionResult, day: string, kind: 'order' | 'refund' | 'cancellation'): Contributions {
  const contributions: Contributions = {};
  const totals: Record<string, number> = {};
  add(totals, 'revenue', result.revenue);
  add(totals, 'unattributed', result.marketing.unattributed);
  add(totals, 'transactions', 1);
  add(totals, 'orders', kind === 'order' ? 1 : kind === 'cancellation' ? -1 : 0);
  contributions[cellKey(day, result.currency, 'totals')] = totals;
  const path = pathOf(result.marketing.touches.map((touch) => touch.channel));
  if (path && kind !== 'refund') contributions[pathCell(day, path)] = { [`c|${path}`]: kind === 'order' ? 1 : -1 };
  const touchById = new Map(result.marketing.touches.map((touch) => [touch.touchId, touch]));
  const conversionSign = kind === 'order' ? 1 : kind === 'cancellation' ? -1 : 0;
  for (const model of HEURISTIC_MODELS) {
    const cell: Record<string, number> = {};
    for (const credit of result.marketing.credits[model]) {
      const touch = touchById.get(credit.touchId);
      if (touch) for (const groupBy of GROUP_BYS) add(cell, `r|${groupBy}|${keyOf(touch, groupBy)}`, credit.amount);
    }
    if (conversionSign !== 0) {
      for (const { touchId, share } of result.marketing.conversionShares[model]) {
        const touch = touchById.get(touchId);
        if (touch) for (const groupBy of GROUP_BYS) add(cell, `c|${groupBy}|${keyOf(touch, groupBy)}`, conversionSign * share);
      }
    }
    if (kind === 'order') {
      for (const touch of result.marketing.touches) for (const groupBy of GROUP_BYS) add(cell, `n|${groupBy}|${keyOf(touch, groupBy)}`, 1);
    }
    if (Object.keys(cell).length > 0) contributions[cellKey(day, result.currency, model)] = cell;
  }
  return contributions;
}

/** An open journey's contribution: one journey without a conversion, on the day of its last touch. */
export function openJourneyContributions(channels: readonly string[], day: string): Contributions {
  const path = pathOf(channels);
  return path ? { [pathCell(day, path)]: { [`n|${path}`]: 1 } } : {};
}

/** What must be added to go from `before` to `after`, cell by cell; empty when nothing changed. */
export function difference(after: Contributions, before: Contributions = {}): Contributions {
  const delta: Contributions = {};
  for (const cell of new Set([...Object.keys(after), ...Object.keys(before)])) {
    const a = after[cell] ?? {};
    const b = before[cell] ?? {};
    const changes: Record<string, number> = {};
    for (const attribute of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const change = (a[attribute] ?? 0) - (b[attribute] ?? 0);
      if (change !== 0) changes[attribute] = change;
    }
    if (Object.keys(changes).length > 0) delta[cell] = changes;
  }
  return delta;
}
