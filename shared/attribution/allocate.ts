/**
 * Splits an integer amount of minor units over non-negative integer weights
 * so that the parts sum to the amount exactly: each part gets the floor of
 * its exact share, and the units left over go to the largest remainders;
 * equal remainders go to the earlier position (callers order positions by
 * time, then touchId, so that is docs/contract.md#the-line-between-marketing-and-sales's tie rule).
 *
 * Integer weights keep every step exact: no share is ever a float.
 * Negative amounts (refunds) are split as their absolute value and negated,
 * so a refund mirrors its order's proportions.
 */
export function allocate(amount: number, weights: ArrayLike<number>, out: number[] = new Array<number>(weights.length)): number[] {
  const n = weights.length;
  out.length = n;
  if (amount < 0) {
    allocate(-amount, weights, out);
    for (let i = 0; i < n; i += 1) out[i] = -out[i]! || 0;
    return out;
  }
  let total = 0;
  for (let i = 0; i < n; i += 1) total += weights[i]!;
  if (n === 0) return out;
  if (total <= 0) throw new RangeError('allocate needs at least one positive weight');
  if (amount * total > Number.MAX_SAFE_INTEGER) return allocateBig(amount, weights, out, total);

  let given = 0;
  const remainders = new Array<number>(n);
  for (let i = 0; i < n; i += 1) {
    const scaled = amount * weights[i]!;
    const share = floorDivide(scaled, total);
    out[i] = share;
    remainders[i] = scaled - share * total;
    given += share;
  }
  distributeLeftover(amount - given, remainders, out);
  return out;
}

/**
 * ⌊scaled / total⌋ for non-negative integers below 2^53. The float quotient
 * can round across an integer; the integer remainder says which side is true.
 */
export function floorDivide(scaled: number, total: number): number {
  const share = Math.floor(scaled / total);
  const remainder = scaled - share * total;
  return remainder < 0 ? share - 1 : remainder >= total ? share + 1 : share;
}

/** Gives one unit to each of the `left` largest remainders (earliest first among equals). */
function distributeLeftover(left: number, remainders: Array<number | bigint>, out: number[]): void {
  if (left <= 0) return;
  const n = remainders.length;
  if (left === 1) {
    let best = 0;
    for (let i = 1; i < n; i += 1) if (remainders[i]! > remainders[best]!) best = i;
    out[best]! += 1;
    return;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (remainders[a]! > remainders[b]! ? -1 : remainders[a]! < remainders[b]! ? 1 : a - b));
  for (let k = 0; k < left; k += 1) out[order[k]!]! += 1;
}

function allocateBig(amount: number, weights: ArrayLike<number>, out: number[], total: number): number[] {
  const big = BigInt(amount);
  const bigTotal = BigInt(total);
  const remainders = new Array<bigint>(weights.length);
  let given = 0;
  for (let i = 0; i < weights.length; i += 1) {
    const scaled = big * BigInt(weights[i]!);
    const share = scaled / bigTotal;
    out[i] = Number(share);
    remainders[i] = scaled - share * bigTotal;
    given += out[i]!;
  }
  distributeLeftover(amount - given, remainders, out);
  return out;
}
