import type { AttributionConfig } from '../tenants/attribution-config.ts';
import { allocate, floorDivide } from './allocate.ts';
import { HEURISTIC_MODELS } from './models.ts';

const DAY = 86_400_000;
const PPM = 1_000_000;
/** time_decay weights are 2^(−Δt/h) scaled to integers: the newest touch weighs 2^20. */
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

let weights = new Float64Array(64);
let classOf = new Uint8Array(64);
let remainders = new Float64Array(64);
let sorted = new Float64Array(64);

function ensure(n: number): void {
  if (weights.length >= n) return;
  const size = Math.max(n, weights.length * 2);
  weights = new Float64Array(size);
  classOf = new Uint8Array(size);
  remainders = new Float64Array(size);
  sorted = new Float64Array(size);
}

/**
 * Largest-remainder split of `amount` over `weights[0..n)` into
 * `out[offset..offset+n)`, exact in integers; equal remainders favour the
 * earlier position. The same rule as `allocate`, without allocating.
 */
function allocateInto(amount: number, n: number, out: Float64Array, offset: number): void {
  let total = 0;
  for (let i = 0; i < n; i += 1) total += weights[i]!;
  if (amount * total > Number.MAX_SAFE_INTEGER) {
    const parts = allocate(amount, weights.subarray(0, n));
    for (let i = 0; i < n; i += 1) out[offset + i] = parts[i]!;
    return;
  }
  let given = 0;
  for (let i = 0; i < n; i += 1) {
    const scaled = amount * weights[i]!;
    const share = floorDivide(scaled, total);
    const remainder = scaled - share * total;
    out[offset + i] = share;
    remainders[i] = remainder;
    given += share;
  }
  let left = amount - given;
  if (left <= 0) return;
  if (left === 1) {
    let best = 0;
    for (let i = 1; i < n; i += 1) if (remainders[i]! > remainders[best]!) best = i;
    out[offset + best]! += 1;
    return;
  }
  // The left-th largest remainder is the threshold: all above it get a unit, then the earliest equal ones.
  for (let i = 0; i < n; i += 1) sorted[i] = remainders[i]!;
  const threshold = select(sorted, n, n - left);
  for (let i = 0; i < n; i += 1) {
    if (remainders[i]! > threshold) {
      out[offset + i]! += 1;
      left -= 1;
    }
  }
  for (let i = 0; i < n && left > 0; i += 1) {
    if (remainders[i] === threshold) {
      out[offset + i]! += 1;
      left -= 1;
    }
  }
}

const classShare = new Float64Array(3);
const classRemainder = new Float64Array(3);
const classWeight = new Float64Array(3);
const classCount = new Float64Array(3);

/**
 * `allocateInto` for weights that take at most three values (position_based,
 * w_shaped): the divisions and the leftover ranking happen per class, not
 * per touch. `classOf[i]` names touch i's class; the rule is the same.
 */
function allocateByClass(amount: number, n: number, classes: number, w0: number, w1: number, w2: number, out: Float64Array, offset: number): void {
  classWeight[0] = w0;
  classWeight[1] = w1;
  classWeight[2] = w2;
  classCount[0] = 0;
  classCount[1] = 0;
  classCount[2] = 0;
  for (let i = 0; i < n; i += 1) classCount[classOf[i]!]! += 1;
  let total = 0;
  for (let c = 0; c < classes; c += 1) total += classCount[c]! * classWeight[c]!;
  if (amount * total > Number.MAX_SAFE_INTEGER) {
    for (let i = 0; i < n; i += 1) weights[i] = classWeight[classOf[i]!]!;
    allocateInto(amount, n, out, offset);
    return;
  }
  let given = 0;
  for (let c = 0; c < classes; c += 1) {
    const scaled = amount * classWeight[c]!;
    const share = floorDivide(scaled, total);
    const remainder = scaled - share * total;
    classShare[c] = share;
    classRemainder[c] = remainder;
    given += share * classCount[c]!;
  }
  const left = amount - given;
  // The threshold remainder: the largest r such that the touches with remainders ≥ r number at least `left`.
  let threshold = Infinity;
  let atThreshold = 0;
  if (left > 0) {
    for (let c = 0; c < classes; c += 1) {
      const r = classRemainder[c]!;
      if (r >= threshold) continue;
      let above = 0;
      let equal = 0;
      for (let d = 0; d < classes; d += 1) {
        if (classRemainder[d]! > r) above += classCount[d]!;
        else if (classRemainder[d] === r) equal += classCount[d]!;
      }
      if (above < left && above + equal >= left && (threshold === Infinity || r > threshold)) {
        threshold = r;
        atThreshold = left - above;
      }
    }
  }
  for (let i = 0; i < n; i += 1) {
    const c = classOf[i]!;
    let share = classShare[c]!;
    if (classRemainder[c]! > threshold) share += 1;
    else if (classRemainder[c] === threshold && atThreshold > 0) {
      share += 1;
      atThreshold -= 1;
    }
    out[offset + i] = share;
  }
}

/** The k-th smallest of `values[0..n)` (0-based), reordering them: Hoare's quickselect, O(n) on average. */
function select(values: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i += 1;
      while (values[j]! > pivot) j -= 1;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i += 1;
        j -= 1;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

/**
 * Credits of `amount` under the seven heuristic models (HEURISTIC_MODELS
 * order), written to `out[m * n + i]`. SPEC §4's weights in integers, so
 * the split is exact: position_based to the millionth, time_decay to 2^-20.
 */
export function creditsInto(journey: JourneyColumns, amount: number, H: number, config: AttributionConfig, out: Float64Array): void {
  const { n, at, direct, leadIndex } = journey;
  ensure(n);
  if (n === 0) return;
  // first_touch, last_touch, last_non_direct: one touch each
  out.fill(0, 0, 3 * n);
  out[0] = amount;
  out[n + n - 1] = amount;
  // last_non_direct
  let lnd = n - 1;
  for (let i = n - 1; i >= 0; i -= 1) {
    if (!direct[i]) {
      lnd = i;
      break;
    }
  }
  out[2 * n + lnd] = amount;
  // linear: equal remainders, so the first `left` touches get the extra units
  const base = Math.floor(amount / n);
  const extra = amount - base * n;
  for (let i = 0; i < n; i += 1) out[3 * n + i] = base + (i < extra ? 1 : 0);
  // position_based
  if (n <= 2) {
    for (let i = 0; i < n; i += 1) out[4 * n + i] = out[3 * n + i]!;
  } else {
    const first = Math.round(config.positionBased.first * PPM);
    const last = Math.round(config.positionBased.last * PPM);
    classOf.fill(1, 0, n);
    classOf[0] = 0;
    classOf[n - 1] = 2;
    allocateByClass(amount, n, 3, first * (n - 2), PPM - first - last, last * (n - 2), out, 4 * n);
  }
  // time_decay
  const halfLife = config.timeDecayHalfLifeDays * DAY;
  const newest = H - at[n - 1]!;
  const decay = -Math.LN2 / halfLife;
  for (let i = 0; i < n; i += 1) weights[i] = Math.round(DECAY_SCALE * Math.exp((H - at[i]! - newest) * decay));
  allocateInto(amount, n, out, 5 * n);
  // w_shaped: 90% over the distinct key touches (first, lead, last), 10% over the rest
  const lead = leadIndex >= 0 && leadIndex !== 0 && leadIndex !== n - 1 ? 1 : 0;
  const keys = (n > 1 ? 2 : 1) + lead;
  const others = n - keys;
  for (let i = 0; i < n; i += 1) classOf[i] = i === 0 || i === n - 1 || i === leadIndex ? 0 : 1;
  allocateByClass(amount, n, 2, others > 0 ? 90 * others : 1, 10 * keys, 0, out, 6 * n);
}
