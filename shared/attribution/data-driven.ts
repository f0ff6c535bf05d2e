/**
 * Data-driven attribution over a period's journeys, from channel paths and
 * their counts (pre-aggregated daily, so a report never reads journeys).
 *
 * - markov: a first-order Markov chain over start → channels → conversion |
 *   null, built from converting and non-converting paths; a channel's
 *   removal effect is the share of conversion probability lost when every
 *   visit to it leads to null instead; credit is proportional to it.
 * - shapley: channels are players; v(S) is the number of conversions whose
 *   path used only channels of S. Exact over all coalitions for up to
 *   `EXACT_SHAPLEY_CHANNELS` channels, estimated by sampled permutations
 *   beyond (deterministic seed).
 *
 * Cost: markov solves one linear system of k+1 unknowns per channel
 * (O(k⁴) for k channels: ~20 channels take well under a millisecond);
 * shapley exact is O(2^k · k + paths); sampled, O(samples · k · coalitions).
 */

export interface PathCount {
  /** Channels in order, consecutive repeats collapsed. */
  channels: string[];
  conversions: number;
  nulls: number;
}

export const PATH_SEPARATOR = ' > ';
/** The longest path kept: the last touches matter most, and cells stay small. */
export const MAX_PATH_LENGTH = 20;
export const EXACT_SHAPLEY_CHANNELS = 12;
export const SHAPLEY_SAMPLES = 4_000;

/** The path string of a journey's channels: repeats collapsed, the last MAX_PATH_LENGTH kept. */
export function pathOf(channels: readonly string[]): string {
  const collapsed: string[] = [];
  for (const channel of channels) {
    const clean = channel.replaceAll('>', '›');
    if (collapsed[collapsed.length - 1] !== clean) collapsed.push(clean);
  }
  return collapsed.slice(-MAX_PATH_LENGTH).join(PATH_SEPARATOR);
}

export function parsePath(path: string): string[] {
  return path === '' ? [] : path.split(PATH_SEPARATOR);
}

/** Solves A x = b in place (Gaussian elimination with partial pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  for (let col = 0; col < n; col += 1) {
    let pivot = col;
    for (let row = col + 1; row < n; row += 1) if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    [b[col], b[pivot]] = [b[pivot]!, b[col]!];
    const p = a[col]![col]!;
    if (Math.abs(p) < 1e-15) continue;
    for (let row = col + 1; row < n; row += 1) {
      const factor = a[row]![col]! / p;
      if (factor === 0) continue;
      for (let k = col; k < n; k += 1) a[row]![k]! -= factor * a[col]![k]!;
      b[row]! -= factor * b[col]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row -= 1) {
    let sum = b[row]!;
    for (let k = row + 1; k < n; k += 1) sum -= a[row]![k]! * x[k]!;
    x[row] = Math.abs(a[row]![row]!) < 1e-15 ? 0 : sum / a[row]![row]!;
  }
  return x;
}

/** Removal-effect shares per channel (summing to 1), or an empty map without conversions. */
export function markov(paths: readonly PathCount[]): Map<string, number> {
  const channels = [...new Set(paths.flatMap((path) => path.channels))].sort();
  const index = new Map(channels.map((channel, i) => [channel, i + 1])); // 0 is start
  const k = channels.length + 1;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const toConversion = new Array<number>(k).fill(0);
  const toNull = new Array<number>(k).fill(0);
  for (const path of paths) {
    const total = path.conversions + path.nulls;
    if (total === 0) continue;
    let from = 0;
    for (const channel of path.channels) {
      const to = index.get(channel)!;
      counts[from]![to]! += total;
      from = to;
    }
    toConversion[from]! += path.conversions;
    toNull[from]! += path.nulls;
  }
  const outgoing = counts.map((row, i) => row.reduce((sum, value) => sum + value, 0) + toConversion[i]! + toNull[i]!);

  /** P(conversion from start) with `removed` (a state index) sending everything to null. */
  const conversionProbability = (removed: number): number => {
    // x_i = Σ_j P_ij x_j + P_i,conv  →  (I − P) x = r
    const a = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));
    const r = new Array<number>(k).fill(0);
    for (let i = 0; i < k; i += 1) {
      if (i === removed || outgoing[i] === 0) continue;
      for (let j = 0; j < k; j += 1) if (counts[i]![j]) a[i]![j]! -= counts[i]![j]! / outgoing[i]!;
      r[i] = toConversion[i]! / outgoing[i]!;
    }
    return solve(a, r)[0]!;
  };

  const base = conversionProbability(-1);
  const shares = new Map<string, number>();
  if (!(base > 0)) return shares;
  const effects = channels.map((_, i) => Math.max(0, 1 - conversionProbability(i + 1) / base));
  const total = effects.reduce((sum, effect) => sum + effect, 0);
  if (total === 0) return shares;
  for (const [i, channel] of channels.entries()) shares.set(channel, effects[i]! / total);
  return shares;
}

/** Shapley shares per channel (summing to 1), or an empty map without conversions. */
export function shapley(paths: readonly PathCount[], options: { exactUpTo?: number; samples?: number; seed?: number } = {}): Map<string, number> {
  const channels = [...new Set(paths.filter((path) => path.conversions > 0).flatMap((path) => path.channels))].sort();
  const n = channels.length;
  const position = new Map(channels.map((channel, i) => [channel, i]));
  // Each converting path's channel set (sorted positions) → its conversions.
  const coalitions = new Map<string, { members: number[]; count: number }>();
  let conversions = 0;
  for (const path of paths) {
    if (path.conversions === 0 || path.channels.length === 0) continue;
    const members = [...new Set(path.channels.map((channel) => position.get(channel)!))].sort((a, b) => a - b);
    const key = members.join(',');
    const entry = coalitions.get(key);
    if (entry) entry.count += path.conversions;
    else coalitions.set(key, { members, count: path.conversions });
    conversions += path.conversions;
  }
  const shares = new Map<string, number>();
  if (conversions === 0) return shares;
  const values = new Array<number>(n).fill(0);

  if (n <= (options.exactUpTo ?? EXACT_SHAPLEY_CHANNELS)) {
    // v(S) = Σ_{T ⊆ S} conversions(T): a subset-sum (zeta) transform over all 2^n coalitions.
    const size = 1 << n;
    const v = new Float64Array(size);
    for (const { members, count } of coalitions.values()) v[members.reduce((mask, i) => mask | (1 << i), 0)]! += count;
    for (let i = 0; i < n; i += 1) for (let mask = 0; mask < size; mask += 1) if (mask & (1 << i)) v[mask]! += v[mask ^ (1 << i)]!;
    const factorial = [1];
    for (let i = 1; i <= n; i += 1) factorial[i] = factorial[i - 1]! * i;
    for (let mask = 0; mask < size; mask += 1) {
      let members = 0;
      for (let m = mask; m; m &= m - 1) members += 1;
      const weight = (factorial[members]! * factorial[n - members - 1]!) / factorial[n]!;
      for (let i = 0; i < n; i += 1) if (!(mask & (1 << i))) values[i]! += weight * (v[mask | (1 << i)]! - v[mask]!);
    }
  } else {
    // Sampled permutations; v(S) sums the observed coalitions inside S.
    const entries = [...coalitions.values()];
    const value = (inside: Uint8Array) => entries.reduce((sum, { members, count }) => (members.every((i) => inside[i]) ? sum + count : sum), 0);
    const random = mulberry32(options.seed ?? 1);
    const samples = options.samples ?? SHAPLEY_SAMPLES;
    for (let s = 0; s < samples; s += 1) {
      const order = channels.map((_, i) => i);
      for (let i = n - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const inside = new Uint8Array(n);
      let before = 0;
      for (const player of order) {
        inside[player] = 1;
        const after = value(inside);
        values[player]! += (after - before) / samples;
        before = after;
      }
    }
  }
  const total = values.reduce((sum, value) => sum + value, 0);
  for (const [i, channel] of channels.entries()) shares.set(channel, total > 0 ? values[i]! / total : 0);
  return shares;
}

/** A small seeded PRNG (mulberry32): sampled results are the same run after run. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
