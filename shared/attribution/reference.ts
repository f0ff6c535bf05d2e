import type { AttributionConfig } from '../tenants/attribution-config.ts';
import { allocate } from './allocate.ts';
import { decayWeightsInto, type JourneyColumns } from './kernel.ts';
import { HEURISTIC_MODELS, type HeuristicModel } from './models.ts';

const DAY = 86_400_000;
const PPM = 1_000_000;

/**
 * docs/contract.md#the-line-between-marketing-and-sales's weights written out plainly, one array per model, each split by
 * the plain `allocate`. This is the statement the optimised kernel
 * (`creditsInto`) is checked against in the tests and measured against in
 * `npm run bench`; the pipeline does not use it.
 */
export function referenceWeights(model: HeuristicModel, journey: JourneyColumns, config: AttributionConfig): number[] {
  const { n, direct, leadIndex } = journey;
  const w = new Array<number>(n).fill(0);
  switch (model) {
    case 'first_touch':
      w[0] = 1;
      break;
    case 'last_touch':
      w[n - 1] = 1;
      break;
    case 'last_non_direct': {
      const index = Array.from(direct).lastIndexOf(0);
      w[index === -1 ? n - 1 : index] = 1;
      break;
    }
    case 'linear':
      w.fill(1);
      break;
    case 'position_based':
      if (n <= 2) w.fill(1);
      else {
        const first = Math.round(config.positionBased.first * PPM);
        const last = Math.round(config.positionBased.last * PPM);
        w.fill(PPM - first - last);
        w[0] = first * (n - 2);
        w[n - 1] = last * (n - 2);
      }
      break;
    case 'time_decay': {
      // the weights' own accuracy against 2^(−Δt/h) is tested on decayWeightsInto
      const weights = new Float64Array(n);
      decayWeightsInto(journey.at, n, config.timeDecayHalfLifeDays * DAY, weights);
      for (let i = 0; i < n; i += 1) w[i] = weights[i]!;
      break;
    }
    case 'w_shaped': {
      const keys = new Set([0, n - 1, ...(leadIndex >= 0 && leadIndex < n ? [leadIndex] : [])]);
      const others = n - keys.size;
      for (let i = 0; i < n; i += 1) w[i] = keys.has(i) ? (others > 0 ? 90 * others : 1) : 10 * keys.size;
      break;
    }
  }
  return w;
}

/** Every heuristic model's credits of `amount`, the plain way: one weight array and one `allocate` per model. */
export function referenceCredits(journey: JourneyColumns, amount: number, config: AttributionConfig): Record<HeuristicModel, number[]> {
  const credits = {} as Record<HeuristicModel, number[]>;
  for (const model of HEURISTIC_MODELS) credits[model] = journey.n === 0 ? [] : allocate(amount, referenceWeights(model, journey, config));
  return credits;
}
