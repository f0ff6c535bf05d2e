import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate } from '../../shared/attribution/allocate.ts';
import { creditsInto, MODEL_COUNT } from '../../shared/attribution/kernel.ts';
import { HEURISTIC_MODELS } from '../../shared/attribution/models.ts';
import { defaultAttributionConfig } from '../../shared/tenants/attribution-config.ts';

const DAY = 86_400_000;

/** SPEC §4's weights written out plainly, to check the optimised kernel against. */
function referenceWeights(model: (typeof HEURISTIC_MODELS)[number], at: number[], direct: boolean[], leadIndex: number, H: number, first: number, last: number, halfLifeDays: number): number[] {
  const n = at.length;
  const w = new Array<number>(n).fill(0);
  switch (model) {
    case 'first_touch':
      w[0] = 1;
      break;
    case 'last_touch':
      w[n - 1] = 1;
      break;
    case 'last_non_direct': {
      const index = direct.lastIndexOf(false);
      w[index === -1 ? n - 1 : index] = 1;
      break;
    }
    case 'linear':
      w.fill(1);
      break;
    case 'position_based':
      if (n <= 2) w.fill(1);
      else {
        const f = Math.round(first * 1e6);
        const l = Math.round(last * 1e6);
        w.fill(1e6 - f - l);
        w[0] = f * (n - 2);
        w[n - 1] = l * (n - 2);
      }
      break;
    case 'time_decay':
      for (let i = 0; i < n; i += 1) w[i] = Math.round(2 ** 20 * Math.exp(((H - at[i]! - (H - at[n - 1]!)) * -Math.LN2) / (halfLifeDays * DAY)));
      break;
    case 'w_shaped': {
      const keys = new Set([0, n - 1, ...(leadIndex >= 0 ? [leadIndex] : [])]);
      const others = n - keys.size;
      for (let i = 0; i < n; i += 1) w[i] = keys.has(i) ? (others > 0 ? 90 * others : 1) : 10 * keys.size;
      break;
    }
  }
  return w;
}

describe('the allocation kernel', () => {
  it('matches a plain largest-remainder split of the plain weights, model by model', () => {
    const H = Date.parse('2026-11-20T00:00:00Z');
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 60 * DAY }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 2 ** 40 })),
        fc.integer({ min: -1, max: 59 }),
        fc.record({ first: fc.double({ min: 0, max: 0.5, noNaN: true }), last: fc.double({ min: 0, max: 0.5, noNaN: true }), halfLife: fc.double({ min: 0.1, max: 30, noNaN: true }) }),
        (ages, directs, amount, lead, shape) => {
          const at = ages.map((age) => H - age).sort((a, b) => a - b);
          const n = at.length;
          const leadIndex = lead < n ? lead : -1;
          const direct = directs.slice(0, n);
          const config = { ...defaultAttributionConfig('UTC'), positionBased: { first: shape.first, last: shape.last }, timeDecayHalfLifeDays: shape.halfLife };
          const out = new Float64Array(MODEL_COUNT * n);
          creditsInto({ n, at: Float64Array.from(at), direct: Uint8Array.from(direct, (d) => (d ? 1 : 0)), leadIndex }, amount, H, config, out);
          HEURISTIC_MODELS.forEach((model, m) => {
            const expected = allocate(amount, referenceWeights(model, at, direct, leadIndex, H, shape.first, shape.last, shape.halfLife));
            expect([...out.subarray(m * n, (m + 1) * n)], model).toEqual(expected);
          });
        },
      ),
      { numRuns: 2000 },
    );
  });
});
