import type { AttributionConfig } from '../tenants/attribution-config.ts';
import { allocate, floorDivide } from './allocate.ts';
import { HEURISTIC_MODELS } from './models.ts';

const DAY = 86_400_000;
const PPM = 1_000_000;
/** time_decay weights are 2^(−Δt/h) in units of 2^-20: the newest touch weighs 2^20. */
const DECAY_SCALE = 2 ** 20;

/** A marketing journey in columns, ordered by time then touchId. */
export interface JourneyColumns {
  n: number;
  /** Epoch ms of each touch. */
  at: Float64Array;
  /** 1 where the touch's channel is Direct. */
  direct: Uint8Array;
  /** Index of the touch that made the lead (w_shaped), or −1. */
  leadIndex: number;
}

export const MODEL_COUNT = HEURISTIC_MODELS.length;

// 2^(−x) = 2^(−k) · 2^(−j/1024) · 2^(−r/1024) with x·1024 = 1024k + j + r, r ∈ [0, 1):
// two tables (the second 8 KiB) and a degree-3 polynomial for the last factor
// (|ln 2 · r/1024| < 6.8e-4, so the truncation error is below 1e-14).
const FRACTION_STEPS = 1024;
const MAX_HALVINGS = 22; // 2^20 · 2^-22 < 0.5: the weight rounds to 0 from here on
const HALVINGS = Float64Array.from({ length: MAX_HALVINGS + 1 }, (_, k) => (k < MAX_HALVINGS ? DECAY_SCALE * 2 ** -k : 0));
const FRACTIONS = Float64Array.from({ length: FRACTION_STEPS }, (_, j) => 2 ** (-j / FRACTION_STEPS));
const LN2_STEP = Math.LN2 / FRACTION_STEPS;

/**
 * time_decay's integer weights of a journey's touches (`at` in time order)
 * and their sum:
 * round(2^20 · 2^(−age/halfLife)) for a touch `age` ms older than the newest,
 * with 2^(−x) evaluated to about 1e-14 relative, far below the 2^-20 quantum.
 * Written out because V8 inlines neither Math.exp nor Math.round, and each
 * cost more than all the other work on a touch.
 */
export function decayWeightsInto(at: Float64Array, n: number, halfLife: number, weights: Float64Array): number {
  const toSteps = FRACTION_STEPS / halfLife;
  const newest = at[n - 1]!;
  let total = 0;
  for (let i = 0; i < n; i += 1) {
    const steps = (newest - at[i]!) * toSteps;
    // beyond MAX_HALVINGS the table's last entry, 0, makes the weight 0 whatever the polynomial gives
    const whole = Math.min(steps, MAX_HALVINGS * FRACTION_STEPS) | 0;
    const y = (whole - steps) * LN2_STEP;
    const tail = 1 + y * (1 + y * (1 / 2 + y * (1 / 6)));
    const weight = (HALVINGS[whole >> 10]! * FRACTIONS[whole & 1023]! * tail + 0.5) | 0; // floor: weights are below 2^31
    weights[i] = weight;
    total += weight;
  }
  return total;
}

/** Working columns of one journey; one set is kept for journeys of up to SCRATCH_SIZE touches. */
interface Scratch {
  weights: Float64Array;
  remainders: Float64Array;
  buckets: Int32Array;
  bucketSizes: Int32Array;
  candidates: Int32Array;
}

function newScratch(size: number): Scratch {
  return {
    weights: new Float64Array(size),
    remainders: new Float64Array(size),
    buckets: new Int32Array(size),
    bucketSizes: new Int32Array(size),
    candidates: new Int32Array(size),
  };
}

const SCRATCH_SIZE = 1024;
const sharedScratch = newScratch(SCRATCH_SIZE);

/**
 * Largest-remainder split of `amount` over `scratch.weights[0..n)`, which
 * sum to `total`, into `out[offset..offset+n)`, exact in integers; equal
 * remainders favour the earlier position. The same rule as `allocate`,
 * without allocating.
 *
 * The leftover units go to the largest remainders. Instead of sorting, the
 * remainders are counted into n buckets by their fraction of the total
 * (a monotone map, so every bucket above the threshold one wins outright);
 * only the few touches of the threshold bucket are compared exactly.
 * Callers' totals stay far below 2^51 (at most 2^20 or 10^6 per touch).
 */
function allocateInto(amount: number, n: number, total: number, scratch: Scratch, out: Float64Array, offset: number): void {
  const { weights, remainders, buckets, bucketSizes, candidates } = scratch;
  if (amount * total > Number.MAX_SAFE_INTEGER) {
    const parts = allocate(amount, weights.subarray(0, n));
    for (let i = 0; i < n; i += 1) out[offset + i] = parts[i]!;
    return;
  }
  const inverse = 1 / total;
  const toBucket = n * inverse;
  for (let b = 0; b < n; b += 1) bucketSizes[b] = 0;
  let given = 0;
  for (let i = 0; i < n; i += 1) {
    const scaled = amount * weights[i]!;
    // the float quotient is off by at most one; the integer remainder says which way
    let share = Math.floor(scaled * inverse);
    let remainder = scaled - share * total;
    if (remainder < 0) {
      share -= 1;
      remainder += total;
    } else if (remainder >= total) {
      share += 1;
      remainder -= total;
    }
    out[offset + i] = share;
    remainders[i] = remainder;
    given += share;
    const bucket = (remainder * toBucket) | 0; // below n: remainder < total, and total < 2^51 keeps rounding below n too
    buckets[i] = bucket;
    bucketSizes[bucket]! += 1;
  }
  const left = amount - given;
  if (left <= 0) return;
  let threshold = n - 1;
  let above = 0;
  while (above + bucketSizes[threshold]! < left) {
    above += bucketSizes[threshold]!;
    threshold -= 1;
  }
  let count = 0;
  for (let i = 0; i < n; i += 1) {
    const bucket = buckets[i]!;
    out[offset + i]! += (threshold - bucket) >>> 31; // 1 above the threshold bucket
    candidates[count] = i;
    count += ((bucket ^ threshold) - 1) >>> 31; // kept when in the threshold bucket (no branch to mispredict)
  }
  const units = left - above;
  if (units === count) {
    for (let c = 0; c < count; c += 1) out[offset + candidates[c]!]! += 1;
    return;
  }
  // The threshold bucket holds about one touch on average: pick its largest remainders one by one,
  // unless equal weights put many touches there.
  if (count > 16) {
    const tied = candidates.subarray(0, count).sort((a, b) => remainders[b]! - remainders[a]! || a - b);
    for (let c = 0; c < units; c += 1) out[offset + tied[c]!]! += 1;
    return;
  }
  for (let u = 0; u < units; u += 1) {
    let best = -1;
    let bestAt = 0;
    for (let c = 0; c < count; c += 1) {
      const i = candidates[c]!;
      if (i >= 0 && (best < 0 || remainders[i]! > remainders[best]!)) {
        best = i;
        bestAt = c;
      }
    }
    out[offset + best]! += 1;
    candidates[bestAt] = -1;
  }
}

/** position_based per run: first's share, the middle touches' share, last's share, how many middle touches (earliest first) get a leftover unit. */
const positionSplit = new Float64Array(4);
/** w_shaped per class: a key touch's share, another touch's share, leftover units of the keys and of the others (each earliest first), units for the earliest touches of both when the remainders tie. */
const wSplit = new Float64Array(5);

/**
 * Credits of `amount` under the seven heuristic models (HEURISTIC_MODELS
 * order), written to `out[m * n + i]`. docs/contract.md#the-line-between-marketing-and-sales's weights in integers, so
 * the split is exact: position_based to the millionth, time_decay to 2^-20.
 *
 * Only time_decay has a weight per touch. The other models' weights take at
 * most three values, so their splits are worked out per class first and
 * then written for every touch in one pass.
 */
export function creditsInto(journey: JourneyColumns, amount: number, config: AttributionConfig, out: Float64Array): void {
  const { n, at, direct } = journey;
  if (n === 0) return;
  const scratch = n <= SCRATCH_SIZE ? sharedScratch : newScratch(n);
  const lead = journey.leadIndex > 0 && journey.leadIndex < n - 1 ? journey.leadIndex : -1;

  // linear: equal remainders, so the first `extra` touches get the extra units
  const linear = Math.floor(amount / n);
  const linearExtra = amount - linear * n;
  const positionExact = n <= 2 || positionBasedSplit(amount, n, config);
  const middle = n <= 2 ? linear : positionSplit[1]!;
  const middleExtra = n <= 2 ? linearExtra : positionSplit[3]!;
  const wExact = wShapedSplit(amount, n, lead);
  const other = wSplit[1]!;
  const otherUnits = wSplit[3]!;
  // `(a - b) >>> 31` is 1 when a < b: no branch per touch. First, lead and last are written after the pass.
  const leadOrEnd = lead >= 0 ? lead : n;
  const middleFrom = n <= 2 ? 0 : 1;
  for (let i = 0; i < n; i += 1) {
    out[i] = 0;
    out[n + i] = 0;
    out[2 * n + i] = 0;
    out[3 * n + i] = linear + ((i - linearExtra) >>> 31);
    out[4 * n + i] = middle + ((i - middleFrom - middleExtra) >>> 31);
    const otherRank = i - 1 - ((leadOrEnd - i) >>> 31); // among the touches that are not keys
    out[6 * n + i] = other + ((otherRank - otherUnits) >>> 31);
  }

  // first_touch, last_touch, last_non_direct
  out[0] = amount;
  out[2 * n - 1] = amount;
  let lastNonDirect = n - 1;
  for (let i = n - 1; i >= 0; i -= 1) {
    if (!direct[i]) {
      lastNonDirect = i;
      break;
    }
  }
  out[2 * n + lastNonDirect] = amount;

  if (n > 2) {
    if (positionExact) {
      out[4 * n] = positionSplit[0]!;
      out[5 * n - 1] = positionSplit[2]!;
    } else positionBasedByTouch(amount, n, config, scratch, out);
  }

  // time_decay: Δt back from H less the newest touch's, a factor common to all weights
  const decayTotal = decayWeightsInto(at, n, config.timeDecayHalfLifeDays * DAY, scratch.weights);
  allocateInto(amount, n, decayTotal, scratch, out, 5 * n);

  if (wExact) {
    // keys in time order: first, lead, last
    const key = wSplit[0]!;
    const keyUnits = wSplit[2]!;
    out[6 * n] = key + (keyUnits > 0 ? 1 : 0);
    if (lead >= 0) out[6 * n + lead] = key + (keyUnits > 1 ? 1 : 0);
    if (n > 1) out[7 * n - 1] = key + (keyUnits > (lead >= 0 ? 2 : 1) ? 1 : 0);
    const tied = wSplit[4]!;
    for (let i = 0; i < tied; i += 1) out[6 * n + i]! += 1;
  } else wShapedByTouch(amount, n, lead, scratch, out);
}

/**
 * position_based for n ≥ 3 into `positionSplit`: first and last take their
 * shares, the middle touches the rest. Three weights on three runs of
 * touches (first, middle, last): the runs ranked by remainder, equal ones in
 * time order, which is the per-touch rule. False when the products would
 * pass 2^53; then `positionBasedByTouch` splits it.
 */
function positionBasedSplit(amount: number, n: number, config: AttributionConfig): boolean {
  const { firstWeight, middleWeight, lastWeight, total } = positionWeights(n, config);
  if (amount * total > Number.MAX_SAFE_INTEGER) return false;
  const middleCount = n - 2;
  let firstShare = floorDivide(amount * firstWeight, total);
  const middleShare = floorDivide(amount * middleWeight, total);
  let lastShare = floorDivide(amount * lastWeight, total);
  const firstRemainder = amount * firstWeight - firstShare * total;
  const middleRemainder = amount * middleWeight - middleShare * total;
  const lastRemainder = amount * lastWeight - lastShare * total;
  let left = amount - firstShare - middleShare * middleCount - lastShare;
  let middleExtra = 0;
  // Serve the runs by remainder; each unit goes to the earliest touch of its run still without one.
  const order = RUN_ORDERS[(firstRemainder >= middleRemainder ? 0 : 4) + (firstRemainder >= lastRemainder ? 0 : 2) + (middleRemainder >= lastRemainder ? 0 : 1)]!;
  for (let k = 0; k < 3 && left > 0; k += 1) {
    const run = order[k]!;
    if (run === 0) {
      firstShare += 1;
      left -= 1;
    } else if (run === 2) {
      lastShare += 1;
      left -= 1;
    } else {
      middleExtra = Math.min(left, middleCount);
      left -= middleExtra;
    }
  }
  positionSplit[0] = firstShare;
  positionSplit[1] = middleShare;
  positionSplit[2] = lastShare;
  positionSplit[3] = middleExtra;
  return true;
}

/** position_based's integer weights (n ≥ 3): first and last to the millionth, scaled by the middle count so the middle weight is whole. */
function positionWeights(n: number, config: AttributionConfig) {
  const first = Math.floor(config.positionBased.first * PPM + 0.5);
  const last = Math.floor(config.positionBased.last * PPM + 0.5);
  return { firstWeight: first * (n - 2), middleWeight: PPM - first - last, lastWeight: last * (n - 2), total: PPM * (n - 2) };
}

function positionBasedByTouch(amount: number, n: number, config: AttributionConfig, scratch: Scratch, out: Float64Array): void {
  const { firstWeight, middleWeight, lastWeight, total } = positionWeights(n, config);
  const { weights } = scratch;
  weights.fill(middleWeight, 0, n);
  weights[0] = firstWeight;
  weights[n - 1] = lastWeight;
  allocateInto(amount, n, total, scratch, out, 4 * n);
}

/**
 * The runs (0 first, 1 middle, 2 last) in serving order, indexed by three
 * bits: first < middle (4), first < last (2), middle < last (1). Ties keep
 * time order. Indexes 2 and 5 cannot happen (the comparisons would cycle).
 */
const RUN_ORDERS = [
  [0, 1, 2], // f ≥ m ≥ l
  [0, 2, 1], // f ≥ l > m
  [0, 1, 2],
  [2, 0, 1], // l > f ≥ m
  [1, 0, 2], // m > f ≥ l
  [1, 0, 2],
  [1, 2, 0], // m ≥ l > f
  [2, 1, 0], // l > m > f
] as const;

/**
 * w_shaped into `wSplit`: 90% over the distinct key touches (first, lead,
 * last), 10% over the others. Two weight classes: the class with the larger
 * remainder takes its units first (earliest touches first); when both
 * remainders are equal every touch has the same remainder, and the earliest
 * touches of either class take them. False when the products would pass
 * 2^53; then `wShapedByTouch` splits it.
 */
function wShapedSplit(amount: number, n: number, lead: number): boolean {
  const { keys, others, keyWeight, otherWeight, total } = wShapedWeights(n, lead);
  if (amount * total > Number.MAX_SAFE_INTEGER) return false;
  const keyShare = floorDivide(amount * keyWeight, total);
  const otherShare = floorDivide(amount * otherWeight, total);
  const keyRemainder = amount * keyWeight - keyShare * total;
  const otherRemainder = amount * otherWeight - otherShare * total;
  const left = amount - keyShare * keys - otherShare * others;
  const tied = left > 0 && keyRemainder === otherRemainder;
  const keyUnits = tied ? 0 : keyRemainder > otherRemainder ? Math.min(left, keys) : Math.max(0, left - others);
  wSplit[0] = keyShare;
  wSplit[1] = otherShare;
  wSplit[2] = keyUnits;
  wSplit[3] = tied ? 0 : left - keyUnits;
  wSplit[4] = tied ? left : 0;
  return true;
}

function wShapedWeights(n: number, lead: number) {
  const keys = (n > 1 ? 2 : 1) + (lead >= 0 ? 1 : 0);
  const others = n - keys;
  const keyWeight = others > 0 ? 90 * others : 1;
  const otherWeight = 10 * keys;
  return { keys, others, keyWeight, otherWeight, total: keys * keyWeight + others * otherWeight };
}

function wShapedByTouch(amount: number, n: number, lead: number, scratch: Scratch, out: Float64Array): void {
  const { keyWeight, otherWeight, total } = wShapedWeights(n, lead);
  const { weights } = scratch;
  for (let i = 0; i < n; i += 1) weights[i] = i === 0 || i === n - 1 || i === lead ? keyWeight : otherWeight;
  allocateInto(amount, n, total, scratch, out, 6 * n);
}
