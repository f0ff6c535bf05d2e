import type { JourneyTouch, PersonHistory } from '../shared/attribution/engine.ts';

export const CHANNELS = ['Direct', 'Paid Search', 'Email', 'Organic Social', 'Paid Social', 'Display', 'Organic Search', 'Referral'];
export const ORDER_AT = Date.parse('2026-11-20T12:00:00Z');

/**
 * Deterministic journeys of 1–50 touches (uniform) over the 29 days before
 * ORDER_AT, 10% sales-side, 10% impressions, revenue 1–1,000,000 minor units.
 * A seeded generator, not Math.random, so runs compare.
 */
export function journeys(count: number, seed = 42): Array<{ history: PersonHistory; revenue: number }> {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
  return Array.from({ length: count }, (_, j) => {
    const n = 1 + Math.floor(next() * 50);
    const touches: JourneyTouch[] = Array.from({ length: n }, (_, i) => ({
      touchId: `t${j}-${i}`,
      at: ORDER_AT - Math.floor(next() * 29 * 86_400_000),
      side: next() < 0.1 ? 'sales' : 'marketing',
      kind: next() < 0.1 ? 'impression' : 'click',
      channel: CHANNELS[Math.floor(next() * CHANNELS.length)]!,
      campaign: `c${Math.floor(next() * 20)}`,
    }));
    return { history: { touches, stages: [], orderTimes: [] }, revenue: 1 + Math.floor(next() * 1_000_000) };
  });
}
