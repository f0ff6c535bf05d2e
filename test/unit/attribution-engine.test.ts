import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate } from '../../shared/attribution/allocate.ts';
import { attributeAdjustment, attributeOrder, type JourneyStage, type JourneyTouch, type OrderFacts } from '../../shared/attribution/engine.ts';
import { HEURISTIC_MODELS } from '../../shared/attribution/models.ts';
import { type AttributionConfig, defaultAttributionConfig } from '../../shared/tenants/attribution-config.ts';

const T0 = Date.parse('2026-11-20T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const config = (overrides: Partial<AttributionConfig> = {}): AttributionConfig => ({ ...defaultAttributionConfig('UTC'), ...overrides });

function mk(id: string, hoursBefore: number, overrides: Partial<JourneyTouch> = {}): JourneyTouch {
  return { touchId: id, at: T0 - hoursBefore * HOUR, side: 'marketing', kind: 'click', channel: 'Paid Search', campaign: `c-${id}`, ...overrides };
}
const order = (revenue = 10_000, overrides: Partial<OrderFacts> = {}): OrderFacts => ({ transactionId: 'o1', at: T0, currency: 'USD', revenue, salesChannel: 'online_store', ...overrides });
const credits = (result: ReturnType<typeof attributeOrder>, model: (typeof HEURISTIC_MODELS)[number]) =>
  Object.fromEntries(result.marketing.credits[model].map((credit) => [credit.touchId, credit.amount]));
const run = (touches: JourneyTouch[], options: { stages?: JourneyStage[]; orderTimes?: number[]; config?: AttributionConfig; revenue?: number } = {}) =>
  attributeOrder(order(options.revenue), { touches, stages: options.stages ?? [], orderTimes: options.orderTimes ?? [] }, options.config ?? config());

describe('allocate (largest remainder, exact)', () => {
  it('gives leftover units to the largest remainders, ties to the earlier position', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(2, [1, 1, 1])).toEqual([1, 1, 0]);
    expect(allocate(10, [1, 2])).toEqual([3, 7]);
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocate(0, [1, 1])).toEqual([0, 0]);
  });

  it('stays exact beyond 2^53 intermediate products', () => {
    const parts = allocate(9_000_000_000_000, [3, 1_000_000, 7]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(9_000_000_000_000);
  });
});

describe('models with 1, 2, 3 and many touches (R = $100.00)', () => {
  const one = [mk('a', 10)];
  const two = [mk('a', 20), mk('b', 10)];
  const three = [mk('a', 30), mk('b', 20), mk('c', 10)];
  const five = [mk('a', 50), mk('b', 40), mk('c', 30), mk('d', 20), mk('e', 10)];

  it.each([
    ['first_touch', one, { a: 10000 }],
    ['first_touch', three, { a: 10000 }],
    ['last_touch', two, { b: 10000 }],
    ['last_touch', five, { e: 10000 }],
    ['linear', one, { a: 10000 }],
    ['linear', two, { a: 5000, b: 5000 }],
    ['linear', three, { a: 3334, b: 3333, c: 3333 }],
    ['linear', five, { a: 2000, b: 2000, c: 2000, d: 2000, e: 2000 }],
    ['position_based', one, { a: 10000 }],
    ['position_based', two, { a: 5000, b: 5000 }],
    ['position_based', three, { a: 4000, b: 2000, c: 4000 }],
    ['position_based', five, { a: 4000, b: 667, c: 667, d: 666, e: 4000 }],
    ['w_shaped', one, { a: 10000 }],
    ['w_shaped', two, { a: 5000, b: 5000 }],
    ['w_shaped', three, { a: 4500, b: 1000, c: 4500 }],
  ] as const)('%s over %#', (model, touches, expected) => {
    expect(credits(run([...touches]), model)).toEqual(expected);
  });

  it('time_decay halves the weight every half-life back from H', () => {
    const result = run([mk('old', 7 * 24), mk('new', 0)]);
    expect(credits(result, 'time_decay')).toEqual({ old: 3333, new: 6667 });
    const custom = run([mk('old', 24), mk('new', 0)], { config: config({ timeDecayHalfLifeDays: 1 }) });
    expect(credits(custom, 'time_decay')).toEqual({ old: 3333, new: 6667 });
  });

  it('last_non_direct skips Direct touches unless all are Direct', () => {
    expect(credits(run([mk('a', 20), mk('d', 10, { channel: 'Direct' })]), 'last_non_direct')).toEqual({ a: 10000 });
    expect(credits(run([mk('d1', 20, { channel: 'Direct' }), mk('d2', 10, { channel: 'Direct' })]), 'last_non_direct')).toEqual({ d2: 10000 });
  });

  it('w_shaped gives 30% each to first, lead-making and last touch and 10% to the rest', () => {
    const touches = [mk('a', 50), mk('b', 40), mk('lead', 30), mk('d', 20), mk('e', 10)];
    const result = run(touches, { stages: [{ stage: 'lead', at: T0 - 25 * HOUR }] });
    expect(credits(result, 'w_shaped')).toEqual({ a: 3000, b: 500, lead: 3000, d: 500, e: 3000 });
  });

  it('w_shaped shares the 90% among distinct keys when the lead touch is the first', () => {
    const touches = [mk('a', 50), mk('b', 40), mk('c', 30)];
    const result = run(touches, { stages: [{ stage: 'lead', at: T0 - 45 * HOUR }] });
    expect(credits(result, 'w_shaped')).toEqual({ a: 4500, b: 1000, c: 4500 });
  });

  it('ties in the remainder go to the earlier touch, then the smaller touchId', () => {
    const sameTime = [mk('z', 10), mk('y', 10), mk('x', 10)];
    expect(credits(run(sameTime, { revenue: 100 }), 'linear')).toEqual({ x: 34, y: 33, z: 33 });
  });

  it('honours the position_based shares of the config', () => {
    expect(credits(run([...three], { config: config({ positionBased: { first: 0.5, last: 0.3 } }) }), 'position_based')).toEqual({ a: 5000, b: 2000, c: 3000 });
  });
});

describe('the line between marketing and sales', () => {
  it('puts the boundary at the first sales touch; later marketing touches earn nothing but are shown', () => {
    const result = run([
      mk('ad', 48),
      mk('call', 24, { side: 'sales', kind: 'sales_call', channel: 'Sales', rep: 'rep-1' }),
      mk('retarget', 12),
      mk('demo', 6, { side: 'sales', kind: 'demo', channel: 'Sales', rep: 'rep-2' }),
    ]);
    expect(result.boundary).toEqual({ at: new Date(T0 - 24 * HOUR).toISOString(), reason: 'sales_touch' });
    expect(result.marketing.touches.map((t) => t.touchId)).toEqual(['ad']);
    expect(result.afterBoundary.map((t) => t.touchId)).toEqual(['retarget']);
    expect(result.sales.touches.map((t) => t.touchId)).toEqual(['call', 'demo']);
    expect(result.sales.credits).toEqual([{ touchId: 'demo', rep: 'rep-2', amount: 10000 }]);
    expect(result.sourcedBy).toBe('marketing');
  });

  it('puts the boundary at the qualified stage when it comes first', () => {
    const result = run([mk('ad', 48), mk('late-ad', 12), mk('call', 6, { side: 'sales', channel: 'Sales' })], { stages: [{ stage: 'qualified', at: T0 - 24 * HOUR }] });
    expect(result.boundary.reason).toBe('qualified');
    expect(result.marketing.touches.map((t) => t.touchId)).toEqual(['ad']);
    expect(result.afterBoundary.map((t) => t.touchId)).toEqual(['late-ad']);
  });

  it('ignores the boundary events the tenant turned off', () => {
    const touches = [mk('ad', 48), mk('call', 24, { side: 'sales', channel: 'Sales' }), mk('ad2', 12)];
    const result = run(touches, { config: config({ boundary: ['qualified'] }) });
    expect(result.boundary.reason).toBe('transaction');
    expect(result.marketing.touches.map((t) => t.touchId)).toEqual(['ad', 'ad2']);
  });

  it('without a sales touch or qualified stage, the checkout is the sale: H = T, and a visit at T counts', () => {
    const result = run([mk('ad', 10), mk('visit', 0, { kind: 'visit', channel: 'Organic Search' })]);
    expect(result.boundary).toEqual({ at: new Date(T0).toISOString(), reason: 'transaction' });
    expect(credits(result, 'last_touch')).toEqual({ visit: 10000 });
    expect(result.sales.credits).toEqual([{ touchId: null, rep: null, amount: 10000 }]);
  });

  it('counts a touch exactly at H on both sides of the line as the spec says', () => {
    const result = run([mk('ad', 24), mk('call', 24, { side: 'sales', channel: 'Sales' })]);
    expect(result.marketing.touches.map((t) => t.touchId)).toEqual(['ad']);
    expect(result.sales.touches.map((t) => t.touchId)).toEqual(['call']);
  });

  it('is sourced by sales when the first touch is a sales touch, by none without touches', () => {
    expect(run([mk('call', 24, { side: 'sales', channel: 'Sales' })]).sourcedBy).toBe('sales');
    const empty = run([]);
    expect(empty.sourcedBy).toBe('none');
    expect(empty.marketing.unattributed).toBe(10000);
    for (const model of HEURISTIC_MODELS) expect(empty.marketing.credits[model]).toEqual([]);
  });

  it('keeps impressions only within the view-through window before H', () => {
    const result = run([mk('imp-old', 30, { kind: 'impression', channel: 'Display' }), mk('imp-new', 20, { kind: 'impression', channel: 'Display' }), mk('click', 10)]);
    expect(result.marketing.touches.map((t) => t.touchId)).toEqual(['imp-new', 'click']);
  });

  it('includes the window’s edges: a touch exactly lookback days before T is in, one ms earlier is out', () => {
    const result = run([mk('edge', 30 * 24), mk('outside', 30 * 24 + 1 / 3_600_000)]);
    expect(result.marketing.touches.map((t) => t.touchId)).toEqual(['edge']);
  });

  it('starts a new journey after the previous order (touches at that order’s moment belong to it), unless turned off', () => {
    const touches = [mk('before', 48), mk('at-previous', 24), mk('after', 12)];
    const reset = run(touches, { orderTimes: [T0 - 24 * HOUR] });
    expect(reset.marketing.touches.map((t) => t.touchId)).toEqual(['after']);
    const noReset = run(touches, { orderTimes: [T0 - 24 * HOUR], config: config({ resetOnOrder: false }) });
    expect(noReset.marketing.touches.map((t) => t.touchId)).toEqual(['before', 'at-previous', 'after']);
  });

  it('collapses consecutive touches of one channel into the first of the run when asked', () => {
    const touches = [mk('a', 40, { channel: 'Email' }), mk('b', 30, { channel: 'Email' }), mk('c', 20, { channel: 'Paid Search' }), mk('d', 10, { channel: 'Email' })];
    expect(run(touches, { config: config({ collapseRepeats: true }) }).marketing.touches.map((t) => t.touchId)).toEqual(['a', 'c', 'd']);
  });
});

describe('refunds and cancellations', () => {
  const result = run([mk('a', 30), mk('b', 20), mk('c', 10)]);

  it('a partial refund carries negative credit in the order’s proportions', () => {
    const refund = attributeAdjustment(result, { transactionId: 'r1', kind: 'refund', at: T0 + DAY, amount: 1000 });
    expect(refund.revenue).toBe(-1000);
    expect(credits(refund, 'linear')).toEqual({ a: -334, b: -333, c: -333 });
    expect(credits(refund, 'position_based')).toEqual({ a: -400, b: -200, c: -400 });
    expect(refund.sales.credits).toEqual([{ touchId: null, rep: null, amount: -1000 }]);
  });

  it('several refunds stay in proportion and a cancellation reverses the order exactly', () => {
    const cancellation = attributeAdjustment(result, { transactionId: 'x1', kind: 'cancellation', at: T0 + DAY, amount: 10000 });
    for (const model of HEURISTIC_MODELS) {
      expect(cancellation.marketing.credits[model].map((credit) => credit.amount)).toEqual(result.marketing.credits[model].map((credit) => -credit.amount));
    }
    const refunds = [3333, 3333, 3334].map((amount, i) => attributeAdjustment(result, { transactionId: `r${i}`, kind: 'refund', at: T0 + DAY, amount }));
    for (const model of HEURISTIC_MODELS) {
      const total = refunds.flatMap((refund) => refund.marketing.credits[model]).reduce((sum, credit) => sum + credit.amount, 0);
      expect(total).toBe(-10000);
    }
  });

  it('a refund of an order with no eligible touch is unattributed', () => {
    const empty = run([]);
    const refund = attributeAdjustment(empty, { transactionId: 'r', kind: 'refund', at: T0, amount: 500 });
    expect(refund.marketing.unattributed).toBe(-500);
  });
});

describe('properties on random journeys', () => {
  const touchArb = fc.record({
    touchId: fc.string({ minLength: 1, maxLength: 6 }),
    hoursBefore: fc.integer({ min: 0, max: 40 * 24 }),
    side: fc.constantFrom('marketing', 'marketing', 'marketing', 'sales'),
    kind: fc.constantFrom('click', 'visit', 'impression', 'email_click'),
    channel: fc.constantFrom('Direct', 'Paid Search', 'Email', 'Organic Social', 'Display'),
  });
  const journeyArb = fc
    .uniqueArray(touchArb, { selector: (touch) => touch.touchId, maxLength: 60 })
    .map((touches) => touches.map((t) => mk(t.touchId, t.hoursBefore, { side: t.side as 'marketing' | 'sales', kind: t.kind, channel: t.channel })));
  const configArb = fc.record({
    lookbackDays: fc.integer({ min: 1, max: 90 }),
    viewThroughHours: fc.integer({ min: 0, max: 72 }),
    boundary: fc.subarray(['sales_touch', 'qualified'] as const),
    collapseRepeats: fc.boolean(),
    resetOnOrder: fc.boolean(),
    positionBased: fc.record({ first: fc.double({ min: 0, max: 0.5, noNaN: true }), last: fc.double({ min: 0, max: 0.5, noNaN: true }) }),
    timeDecayHalfLifeDays: fc.double({ min: 0.01, max: 60, noNaN: true }),
  });
  const stagesArb = fc.array(fc.record({ stage: fc.constantFrom('lead', 'qualified', 'disqualified'), at: fc.integer({ min: T0 - 40 * DAY, max: T0 }) }), { maxLength: 4 });
  const revenueArb = fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));

  it('every model’s credits sum exactly to R (or R is unattributed), and none is negative', () => {
    fc.assert(
      fc.property(journeyArb, configArb, stagesArb, revenueArb, (touches, overrides, stages, revenue) => {
        const result = run(touches, { stages: stages as JourneyStage[], config: config(overrides), revenue });
        for (const model of HEURISTIC_MODELS) {
          const list = result.marketing.credits[model];
          expect(list.reduce((sum, credit) => sum + credit.amount, 0) + result.marketing.unattributed).toBe(revenue);
          for (const credit of list) expect(credit.amount).toBeGreaterThanOrEqual(0);
          for (const credit of list) expect(Number.isSafeInteger(credit.amount)).toBe(true);
        }
        expect(result.sales.credits.reduce((sum, credit) => sum + credit.amount, 0)).toBe(revenue);
      }),
      { numRuns: 1500 },
    );
  });

  it('does not depend on the order the touches and stages come in', () => {
    fc.assert(
      fc.property(journeyArb, configArb, stagesArb, fc.integer({ min: 0, max: 1_000_000 }), fc.integer(), (touches, overrides, stages, revenue, seed) => {
        const shuffled = [...touches].sort((a, b) => ((a.touchId.charCodeAt(0) * 31 + seed) % 7) - ((b.touchId.charCodeAt(0) * 31 + seed) % 7)).reverse();
        const a = run(touches, { stages: stages as JourneyStage[], config: config(overrides), revenue });
        const b = run(shuffled, { stages: [...(stages as JourneyStage[])].reverse(), config: config(overrides), revenue });
        expect(b).toEqual(a);
      }),
      { numRuns: 500 },
    );
  });

  it('refunds of random splits of an order sum back to minus the order, model by model', () => {
    fc.assert(
      fc.property(journeyArb, fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 5 }), (touches, revenue, parts) => {
        const result = run(touches, { revenue });
        const amounts = allocate(revenue, parts);
        const refunds = amounts.map((amount, i) => attributeAdjustment(result, { transactionId: `r${i}`, kind: 'refund', at: T0, amount }));
        for (const model of HEURISTIC_MODELS) {
          for (const credit of result.marketing.credits[model]) {
            const back = refunds
              .flatMap((refund) => refund.marketing.credits[model])
              .filter((c) => c.touchId === credit.touchId)
              .reduce((sum, c) => sum + c.amount, 0);
            expect(Math.abs(back + credit.amount)).toBeLessThanOrEqual(refunds.length);
          }
          const total = refunds.reduce((sum, refund) => sum + refund.marketing.credits[model].reduce((s, c) => s + c.amount, 0) + refund.marketing.unattributed, 0);
          expect(total).toBe(-revenue);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('the worked example of docs/attribution.md', () => {
  it('gives the boundary, journeys and credits docs/attribution.md shows', () => {
    const at = (day: string) => Date.parse(day);
    const result = attributeOrder(
      { transactionId: 'o-1', at: at('2026-11-20T15:00:00Z'), currency: 'USD', revenue: 12000, salesChannel: 'online_store' },
      {
        touches: [
          { touchId: 'a', at: at('2026-11-02T10:00:00Z'), side: 'marketing', kind: 'click', channel: 'Paid Search' },
          { touchId: 'b', at: at('2026-11-09T10:00:00Z'), side: 'marketing', kind: 'click', channel: 'Email' },
          { touchId: 'c', at: at('2026-11-14T10:00:00Z'), side: 'marketing', kind: 'click', channel: 'Paid Social' },
          { touchId: 'd', at: at('2026-11-14T11:00:00Z'), side: 'sales', kind: 'sales_call', channel: 'Sales', rep: 'rep-7' },
        ],
        stages: [{ stage: 'qualified', at: at('2026-11-12T10:00:00Z') }],
        orderTimes: [],
      },
      config(),
    );
    expect(result.boundary).toEqual({ at: '2026-11-12T10:00:00.000Z', reason: 'qualified' });
    expect(result.sourcedBy).toBe('marketing');
    expect(result.afterBoundary.map((t) => t.touchId)).toEqual(['c']);
    expect(result.sales.credits).toEqual([{ touchId: 'd', rep: 'rep-7', amount: 12000 }]);
    const amounts = Object.fromEntries(HEURISTIC_MODELS.map((model) => [model, result.marketing.credits[model].map((c) => c.amount)]));
    expect(amounts).toEqual({
      first_touch: [12000],
      last_touch: [12000],
      last_non_direct: [12000],
      linear: [6000, 6000],
      position_based: [6000, 6000],
      time_decay: [4000, 8000],
      w_shaped: [6000, 6000],
    });
  });
});
