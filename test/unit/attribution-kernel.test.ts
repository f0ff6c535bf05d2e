import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { creditsInto, decayWeightsInto, type JourneyColumns, MODEL_COUNT } from '../../shared/attribution/kernel.ts';
import { HEURISTIC_MODELS } from '../../shared/attribution/models.ts';
import { referenceCredits } from '../../shared/attribution/reference.ts';
import { type AttributionConfig, defaultAttributionConfig } from '../../shared/tenants/attribution-config.ts';

const DAY = 86_400_000;
const H = Date.parse('2026-11-20T00:00:00Z');

function journeyOf(at: number[], direct: boolean[], leadIndex = -1): JourneyColumns {
  return { n: at.length, at: Float64Array.from(at), direct: Uint8Array.from(direct, (d) => (d ? 1 : 0)), leadIndex };
}

/** The kernel's credits, model by model, as plain arrays. */
function kernelCredits(journey: JourneyColumns, amount: number, config: AttributionConfig): Record<string, number[]> {
  const out = new Float64Array(MODEL_COUNT * journey.n);
  creditsInto(journey, amount, config, out);
  return Object.fromEntries(HEURISTIC_MODELS.map((model, m) => [model, [...out.subarray(m * journey.n, (m + 1) * journey.n)]]));
}

describe('the allocation kernel', () => {
  it('matches a plain largest-remainder split of the plain weights, model by model', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 60 * DAY }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 2 ** 40 })),
        fc.integer({ min: -1, max: 59 }),
        fc.record({ first: fc.double({ min: 0, max: 0.5, noNaN: true }), last: fc.double({ min: 0, max: 0.5, noNaN: true }), halfLife: fc.double({ min: 0.1, max: 30, noNaN: true }) }),
        (ages, directs, amount, lead, shape) => {
          const at = ages.map((age) => H - age).sort((a, b) => a - b);
          const journey = journeyOf(at, directs.slice(0, at.length), lead < at.length ? lead : -1);
          const config = { ...defaultAttributionConfig('UTC'), positionBased: { first: shape.first, last: shape.last }, timeDecayHalfLifeDays: shape.halfLife };
          expect(kernelCredits(journey, amount, config)).toEqual(referenceCredits(journey, amount, config));
        },
      ),
      {
        numRuns: 2000,
        // w_shaped with key and other remainders equal: the units go to the earliest touches across both classes
        examples: [[[0, 0, 0, 0], Array<boolean>(60).fill(false), 352_058_453_690, 0, { first: 0, last: 0, halfLife: 0.1 }]],
      },
    );
  });

  it('splits equal remainders by time order when every touch has the same weight', () => {
    const config = defaultAttributionConfig('UTC');
    const journey = journeyOf([H - DAY, H - DAY, H - DAY], [false, false, false]);
    expect(kernelCredits(journey, 10, config)).toEqual({
      first_touch: [10, 0, 0],
      last_touch: [0, 0, 10],
      last_non_direct: [0, 0, 10],
      linear: [4, 3, 3],
      position_based: [4, 2, 4],
      time_decay: [4, 3, 3],
      w_shaped: [5, 1, 4],
    });
  });

  it('ranks many equal remainders by time order too', () => {
    const config = defaultAttributionConfig('UTC');
    const journey = journeyOf(Array<number>(100).fill(H - DAY), Array<boolean>(100).fill(false));
    const credits = kernelCredits(journey, 12_345, config);
    expect(credits).toEqual(referenceCredits(journey, 12_345, config));
    expect(credits.time_decay).toEqual([...Array<number>(45).fill(124), ...Array<number>(55).fill(123)]);
  });

  it('handles journeys longer than its kept working columns the same way', () => {
    const config = defaultAttributionConfig('UTC');
    const at = Array.from({ length: 1_500 }, (_, i) => H - (1_500 - i) * 60_000);
    const journey = journeyOf(
      at,
      at.map((_, i) => i % 7 === 0),
      700,
    );
    expect(kernelCredits(journey, 123_456_789, config)).toEqual(referenceCredits(journey, 123_456_789, config));
  });
});

describe('time_decay weights', () => {
  it('are 2^(−age/half-life) in units of 2^-20, rounded', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 90 * DAY }), { minLength: 1, maxLength: 50 }), fc.double({ min: 0.001, max: 365, noNaN: true }), (ages, halfLifeDays) => {
        const at = ages.map((age) => H - age).sort((a, b) => a - b);
        const weights = new Float64Array(at.length);
        const total = decayWeightsInto(Float64Array.from(at), at.length, halfLifeDays * DAY, weights);
        const newest = at[at.length - 1]!;
        at.forEach((time, i) => {
          const exact = 2 ** 20 * 2 ** (-(newest - time) / (halfLifeDays * DAY));
          expect(Number.isInteger(weights[i])).toBe(true);
          expect(Math.abs(weights[i]! - exact)).toBeLessThanOrEqual(0.5 + 1e-6);
        });
        expect(weights[at.length - 1]).toBe(2 ** 20);
        expect(total).toBe(weights.reduce((sum, w) => sum + w, 0));
      }),
      { numRuns: 1000 },
    );
  });
});
