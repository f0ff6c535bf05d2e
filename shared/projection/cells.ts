import type { HeuristicModel } from '../attribution/models.ts';

/**
 * Rollup cells: what every view reads, pre-aggregated per day. One codec
 * for their addresses, the sums projections add to them, and the histogram
 * buckets they count in. What a cell holds (its measures and how their
 * attributes are named) is declared in shared/read-models/rollups.ts.
 *
 * A cell is addressed by its family, a reporting day (the tenant's
 * calendar; the first of a month for cohorts) and a part (a currency, a
 * path shard, a grouping, a model with a currency and a grouping, or `-`).
 */
export type CellFamily = HeuristicModel | 'totals' | 'paths' | 'pathstats' | 'sales' | 'funnel' | 'handoff' | 'cohorts';

export interface CellAddress {
  family: CellFamily;
  /**
   * A family read one slice at a time keeps each slice in a partition of
   * its own (cohorts: a model and a grouping), so a read of many days takes
   * only the slice it needs.
   */
  slice?: string;
  day: string;
  part: string;
}

/** Everything a projection adds to the rollups: per cell id, per attribute, an integer. */
export type Contributions = Record<string, Record<string, number>>;

const SEP = '|';

/**
 * The part (and `currency` field) that holds amounts converted into the
 * reporting currency `code`: never an ISO code, so no view reads it as a
 * currency of the store's own.
 */
export const reportingPart = (code: string): string => `=${code}`;
export const isReportingPart = (part: string): boolean => part.startsWith('=');

/** Between a family and its slice in a cell id: neither a family's name nor a slice holds it. */
const SLICE_SEP = '/';

export const cells = {
  id: ({ family, slice, day, part }: CellAddress): string => `${family}${slice === undefined ? '' : `${SLICE_SEP}${slice}`}${SEP}${day}${SEP}${part}`,
  parse(id: string): CellAddress {
    const [head, day, ...part] = id.split(SEP);
    const [family, slice] = head!.split(SLICE_SEP);
    return { family: family as CellFamily, ...(slice === undefined ? {} : { slice }), day: day!, part: part.join(SEP) };
  },
  /** A cell's day, without parsing the rest (a projection asks it of each of its hundreds of cells). */
  dayOf(id: string): string {
    const start = id.indexOf(SEP) + 1;
    return id.slice(start, id.indexOf(SEP, start));
  },
};

/** What must be added to go from `before` to `after`, cell by cell; empty when nothing changed. */
export function difference(after: Contributions, before: Contributions = {}): Contributions {
  const delta: Contributions = {};
  for (const id of new Set([...Object.keys(after), ...Object.keys(before)])) {
    const a = after[id] ?? {};
    const b = before[id] ?? {};
    const changes: Record<string, number> = {};
    for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const change = (a[name] ?? 0) - (b[name] ?? 0);
      if (change !== 0) changes[name] = change;
    }
    if (Object.keys(changes).length > 0) delta[id] = changes;
  }
  return delta;
}

function isEmpty(cell: Record<string, number>): boolean {
  for (const _ in cell) return false;
  return true;
}

/** The sum of several contributions. */
export function sum(...all: Contributions[]): Contributions {
  const total: Contributions = {};
  for (const contributions of all) {
    for (const [id, cell] of Object.entries(contributions)) {
      const target = (total[id] ??= {});
      let cancelled = false;
      for (const [name, value] of Object.entries(cell)) {
        const added = (target[name] ?? 0) + value;
        if (added === 0) {
          delete target[name];
          cancelled = true;
        } else target[name] = added;
      }
      // Only a cancelled measure can leave a cell empty (a busy tenant's cells hold thousands of measures: no count each time).
      if ((cancelled || isEmpty(cell)) && isEmpty(target)) delete total[id];
    }
  }
  return total;
}

/**
 * Days before `finalBefore` are final: a cell of such a day that the
 * previous projection contributed to keeps that contribution, whatever the
 * history says now (its touches may have expired: docs/contract.md#privacy-and-the-data-lifecycle's retention must
 * not move old reports). Cells the previous projection never touched are
 * taken as computed.
 */
export function keepFinal(next: Contributions, previous: Contributions, finalBefore: string): Contributions {
  const kept: Contributions = { ...next };
  for (const id of Object.keys(next)) if (previous[id] && cells.dayOf(id) < finalBefore) kept[id] = previous[id];
  for (const [id, cell] of Object.entries(previous)) if (cells.dayOf(id) < finalBefore) kept[id] = cell;
  return kept;
}

// ---- histograms: medians and percentiles from fixed buckets, so views stay pre-aggregated

/** Lower bounds (hours) of the buckets cycle and handoff times are counted in; the last is open. */
export const HOUR_BUCKETS = [0, 1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720, 1440, 2160] as const;

export function hourBucket(hours: number): number {
  let bucket = 0;
  for (let i = 0; i < HOUR_BUCKETS.length; i += 1) if (hours >= HOUR_BUCKETS[i]!) bucket = i;
  return bucket;
}

/**
 * A quantile (0.5 median, 0.9 p90) from bucket counts: the bucket that holds
 * it, interpolated linearly by rank within the bucket; in the open last
 * bucket, its lower bound. Null without counts. Resolution is the bucket's
 * width (an hour at first, a month at the top).
 */
export function quantileHours(counts: ReadonlyMap<number, number> | Record<number, number>, q: number): number | null {
  const get = (i: number) => (counts instanceof Map ? (counts.get(i) ?? 0) : ((counts as Record<number, number>)[i] ?? 0));
  let total = 0;
  for (let i = 0; i < HOUR_BUCKETS.length; i += 1) total += get(i);
  if (total <= 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < HOUR_BUCKETS.length; i += 1) {
    const count = get(i);
    if (count <= 0) continue;
    if (seen + count >= rank) {
      const low = HOUR_BUCKETS[i]!;
      const high = HOUR_BUCKETS[i + 1];
      if (high === undefined) return low;
      return Math.round((low + ((rank - seen) / count) * (high - low)) * 10) / 10;
    }
    seen += count;
  }
  return HOUR_BUCKETS[HOUR_BUCKETS.length - 1]!;
}

/** Touches per order, as docs/contract.md#reading-attribution lists them: 0, 1, …, 10, 11+. */
export const PATH_LENGTH_BUCKETS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11+'] as const;
export function pathLengthBucket(touches: number): (typeof PATH_LENGTH_BUCKETS)[number] {
  return PATH_LENGTH_BUCKETS[Math.min(touches, PATH_LENGTH_BUCKETS.length - 1)]!;
}

/** Days from the first marketing touch to the order: 0, 1, 2–3, 4–7, 8–14, 15–30, 31+. */
export const LAG_BUCKETS = ['0', '1', '2-3', '4-7', '8-14', '15-30', '31+'] as const;
export function lagBucket(days: number): (typeof LAG_BUCKETS)[number] {
  if (days < 1) return '0';
  if (days < 2) return '1';
  if (days < 4) return '2-3';
  if (days < 8) return '4-7';
  if (days < 15) return '8-14';
  if (days < 31) return '15-30';
  return '31+';
}

/** Path counts are spread over a few cells per day so no cell nears DynamoDB's 400 KB. */
export const PATH_SHARDS = 4;

/** The shard holding a path's counts. */
export function pathShard(path: string): string {
  let hash = 2_166_136_261;
  for (let i = 0; i < path.length; i += 1) hash = Math.imul(hash ^ path.charCodeAt(i), 16_777_619);
  return `s${(hash >>> 0) % PATH_SHARDS}`;
}
