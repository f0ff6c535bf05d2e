import type { AttributionResult } from '../attribution/engine.ts';
import { HEURISTIC_MODELS, type HeuristicModel } from '../attribution/models.ts';
import { type CellAddress, type CellFamily, type Contributions, cells, HOUR_BUCKETS, isReportingPart, LAG_BUCKETS, PATH_LENGTH_BUCKETS, reportingPart } from '../projection/cells.ts';
import type { RollupCell } from '../projection/ports.ts';
import { ADJUSTMENT_REASONS, DISQUALIFICATION_REASONS } from '../recording/vocabulary.ts';

/**
 * Every measure a rollup cell holds, declared once per family: its readable
 * name, the code it is stored under and its fields. The projection writes
 * cells with `contribute` and the views read them with `decodeCell`, so no
 * other module knows how an attribute is named.
 *
 * A stored attribute name is the measure's code, then its fields' values,
 * joined by `|`; the last field may hold anything (a campaign, a path), so
 * the others never hold the separator. The codes are the table's: changing
 * one leaves the cells already written unread.
 */

const SEPARATOR = '|';

/** How a field's value is written into an attribute name and read back (`undefined`: not a value it takes). */
interface Field<T> {
  encode(value: T): string;
  decode(part: string): T | undefined;
  /** Every value it takes, when they are few. */
  values?: readonly T[];
}

const text: Field<string> = { encode: (value) => value, decode: (part) => part };

function oneOf<const T extends string>(values: readonly T[]): Field<T> {
  return { values, encode: (value) => value, decode: (part) => values.find((value) => value === part) };
}

/** An index into HOUR_BUCKETS (see `hourBucket`). */
const hourBucket: Field<number> = {
  values: HOUR_BUCKETS.map((_, i) => i),
  encode: (bucket) => String(bucket),
  decode: (part) => (/^\d+$/.test(part) && Number(part) < HOUR_BUCKETS.length ? Number(part) : undefined),
};

/** A month, `YYYY-MM`. */
const month: Field<string> = { encode: (value) => value, decode: (part) => (/^\d{4}-\d{2}$/.test(part) ? part : undefined) };

const SOURCED_BY = ['marketing', 'sales', 'none'] as const satisfies ReadonlyArray<AttributionResult['sourcedBy']>;

/**
 * In the reporting currency's cells only: what was left out for want of a
 * rate, signed, by its currency and the day whose rate it needed.
 */
const MISSING_RATE = { code: 'mr', fields: { from: text, day: text } } as const;

interface Measure {
  code: string;
  /** In the order they are written; the last one takes the rest of the name. */
  fields: Readonly<Record<string, Field<unknown>>>;
}

/** The measures of one heuristic model's cells (one per currency): its credits by every grouping. */
const CREDITS = {
  /** Revenue credited to the row's touches. */
  revenue: { code: 'r', fields: { groupBy: text, key: text } },
  /** Conversions credited, in millionths (CONVERSION_SHARE_SCALE). */
  conversions: { code: 'c', fields: { groupBy: text, key: text } },
  /** The row's touches on the journeys of the orders. */
  touches: { code: 'n', fields: { groupBy: text, key: text } },
} as const;

export const ROLLUPS = {
  /** Per currency: every transaction of the day. */
  totals: {
    revenue: { code: 'revenue', fields: {} },
    unattributed: { code: 'unattributed', fields: {} },
    transactions: { code: 'transactions', fields: {} },
    /** Orders less cancellations. */
    orders: { code: 'orders', fields: {} },
    missingRate: MISSING_RATE,
    /** On a posting day: revenue that changed in a closed month, posted here, by that month and why (docs/contract.md#closing-a-month). */
    adjustment: { code: 'adj', fields: { period: month, reason: oneOf(ADJUSTMENT_REASONS) } },
  },
  credits: CREDITS,
  /** Per shard: journeys by their channel path. */
  paths: {
    /** Converting journeys, repeats collapsed (Markov and Shapley read these two). */
    conversions: { code: 'c', fields: { path: text } },
    /** Journeys that have not converted (yet). */
    openJourneys: { code: 'n', fields: { path: text } },
    /** Orders less cancellations by the journey as collapseRepeats left it (the paths view reads these two). */
    orders: { code: 'po', fields: { path: text } },
    revenue: { code: 'pv', fields: { currency: text, path: text } },
  },
  /** One cell a day: the orders' histograms. */
  pathstats: {
    pathLength: { code: 'len', fields: { touches: oneOf(PATH_LENGTH_BUCKETS) } },
    timeLag: { code: 'lag', fields: { days: oneOf(LAG_BUCKETS) } },
  },
  /** Per currency: the sales credit by rep and by sales channel. */
  sales: {
    revenue: { code: 'r', fields: { dimension: text, key: text } },
    /** In millionths: an order's sales credit split over its sellers. */
    orders: { code: 'o', fields: { dimension: text, key: text } },
    ordersSourcedBy: { code: 'sb', fields: { sourcedBy: oneOf(SOURCED_BY), dimension: text, key: text } },
    /** Orders by the hours from the boundary H to the order. */
    hoursToOrder: { code: 'h', fields: { bucket: hourBucket, dimension: text, key: text } },
    missingRate: MISSING_RATE,
  },
  /** Per grouping: people by the key that acquired them, counted on their acquisition's day, and each key's reach on its own day. */
  funnel: {
    acquired: { code: 'a', fields: { key: text } },
    leads: { code: 'l', fields: { key: text } },
    qualified: { code: 'q', fields: { key: text } },
    disqualified: { code: 'd', fields: { reason: oneOf(DISQUALIFICATION_REASONS), key: text } },
    customers: { code: 'cu', fields: { key: text } },
    orders: { code: 'o', fields: { key: text } },
    revenue: { code: 'rev', fields: { currency: text, key: text } },
    ordered: { code: 'ord', fields: { currency: text, key: text } },
    refunded: { code: 'ref', fields: { currency: text, key: text } },
    marketingCycle: { code: 'mc', fields: { bucket: hourBucket, key: text } },
    salesCycle: { code: 'sc', fields: { bucket: hourBucket, key: text } },
    touches: { code: 't', fields: { key: text } },
    peopleReached: { code: 'p', fields: { key: text } },
    missingRate: MISSING_RATE,
  },
  /**
   * Per model, currency and grouping, one cell a month — the month things
   * happened in, so a month that has passed stays as it was: each cohort's
   * customers (in millionths: a first order split over keys makes fractions
   * of a customer) and what they brought that month, by the key their first
   * order's credit went to.
   */
  cohorts: {
    /** Counted in the cohort's own month. */
    customers: { code: 'cu', fields: { cohort: month, key: text } },
    /** Customers whose second order fell in this month. */
    repeaters: { code: 'rp', fields: { cohort: month, key: text } },
    /** Net of the month's orders in the first order's currency, less the month's refunds and cancellations of them. */
    revenue: { code: 'r', fields: { cohort: month, key: text } },
    /** Orders of the month in another currency than the first order's (in millionths, split like the customer). */
    crossCurrencyOrders: { code: 'x', fields: { cohort: month, key: text } },
    missingRate: MISSING_RATE,
  },
  /** One cell a day: the qualifications of the day and how sales (or the checkout) picked them up. */
  handoff: {
    qualified: { code: 'qualified', fields: {} },
    contacted: { code: 'contacted', fields: {} },
    withinSla: { code: 'within', fields: {} },
    hoursToContact: { code: 'h', fields: { bucket: hourBucket } },
  },
} as const satisfies Record<Exclude<CellFamily, HeuristicModel> | 'credits', Record<string, Measure>>;

type Rollups = typeof ROLLUPS;
/** The declaration a cell family's measures are in: every heuristic model's cells hold credits. */
type RollupOf<F extends CellFamily> = F extends HeuristicModel ? 'credits' : F;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ValuesOf<Fields> = { -readonly [N in keyof Fields]: Fields[N] extends Field<infer T> ? T : never };
// Both distribute over a union of declarations (a cell of any family).
type CountIn<Declaration> = Declaration extends unknown
  ? { [M in keyof Declaration]: Declaration[M] extends { fields: infer Fields } ? (keyof Fields extends never ? M : never) : never }[keyof Declaration]
  : never;
type AttributeIn<Declaration> = Declaration extends unknown
  ? { [M in keyof Declaration]: Declaration[M] extends { fields: infer Fields } ? Simplify<{ measure: M } & ValuesOf<Fields>> : never }[keyof Declaration]
  : never;

/** One attribute of a cell of `F`, by its measure's name, with its fields' values. */
export type AttributeOf<F extends CellFamily> = AttributeIn<Rollups[RollupOf<F>]>;
/** The measures of a cell of `F` that have no fields: one number each per cell. */
export type CountOf<F extends CellFamily> = CountIn<Rollups[RollupOf<F>]>;

type AnyAttribute = { measure: string } & Record<string, unknown>;

interface Declared {
  measure: string;
  code: string;
  fields: Array<[name: string, field: Field<unknown>]>;
}

interface Index {
  byMeasure: Map<string, Declared>;
  byCode: Map<string, Declared>;
}

const isHeuristic = (family: CellFamily): family is HeuristicModel => HEURISTIC_MODELS.some((model) => model === family);
const indexes = new Map<CellFamily, Index>();

/** A family's measures by name and by stored code; every heuristic model's cells hold the credits. */
function indexOf(family: CellFamily): Index {
  let index = indexes.get(family);
  if (index) return index;
  const declaration: Readonly<Record<string, Measure>> = isHeuristic(family) ? ROLLUPS.credits : ROLLUPS[family];
  const declared = Object.entries(declaration).map(([measure, { code, fields }]): Declared => ({ measure, code, fields: Object.entries(fields) }));
  indexes.set(family, (index = { byMeasure: new Map(declared.map((one) => [one.measure, one])), byCode: new Map(declared.map((one) => [one.code, one])) }));
  return index;
}

/** The stored name of an attribute. */
export function encode<F extends CellFamily>(family: F, attribute: AttributeOf<F>): string;
export function encode(family: CellFamily, attribute: AnyAttribute): string {
  const declared = indexOf(family).byMeasure.get(attribute.measure);
  if (!declared) throw new Error(`No measure ${attribute.measure} in ${family} cells`);
  let name = declared.code;
  for (const [fieldName, field] of declared.fields) name += SEPARATOR + field.encode(attribute[fieldName]);
  return name;
}

/** An attribute from its stored name; undefined for a name no measure of the family is stored under. */
export function decode<F extends CellFamily>(family: F, name: string): AttributeOf<F> | undefined;
export function decode(family: CellFamily, name: string): AnyAttribute | undefined {
  const separator = name.indexOf(SEPARATOR);
  const declared = indexOf(family).byCode.get(separator === -1 ? name : name.slice(0, separator));
  if (!declared) return undefined;
  const { fields } = declared;
  if (fields.length === 0) return separator === -1 ? { measure: declared.measure } : undefined;
  const parts = separator === -1 ? [] : name.slice(separator + 1).split(SEPARATOR);
  if (parts.length < fields.length) return undefined;
  const attribute: AnyAttribute = { measure: declared.measure };
  for (const [i, [fieldName, field]] of fields.entries()) {
    const value = field.decode(i === fields.length - 1 ? parts.slice(i).join(SEPARATOR) : parts[i]!);
    if (value === undefined) return undefined;
    attribute[fieldName] = value;
  }
  return attribute;
}

/** A cell's attributes with their values, decoded; names no measure of the family is stored under are left out. */
export function decodeCell<F extends CellFamily>(family: F, cell: Pick<RollupCell, 'attributes'>): Array<[AttributeOf<F>, number]> {
  const decoded: Array<[AttributeOf<F>, number]> = [];
  for (const [name, value] of Object.entries(cell.attributes)) {
    const attribute = decode(family, name);
    if (attribute) decoded.push([attribute, value]);
  }
  return decoded;
}

/** The measures of a cell that have no fields, 0 for those it does not hold. */
export function countsOf<F extends CellFamily>(family: F, cell: Pick<RollupCell, 'attributes'>): Record<CountOf<F>, number>;
export function countsOf(family: CellFamily, cell: Pick<RollupCell, 'attributes'>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { measure, code, fields } of indexOf(family).byMeasure.values()) if (fields.length === 0) counts[measure] = cell.attributes[code] ?? 0;
  return counts;
}

/** Adds `value` to an attribute of a cell of `contributions` (nothing for 0). */
export function contribute<F extends CellFamily>(contributions: Contributions, address: CellAddress & { family: F }, attribute: AttributeOf<F>, value: number): void {
  if (value === 0) return;
  const name = encode(address.family, attribute);
  const cell = (contributions[cells.id(address)] ??= {});
  cell[name] = (cell[name] ?? 0) + value;
  if (cell[name] === 0) delete cell[name];
}

/**
 * Which amounts a view reads (docs/contract.md#one-reporting-currency): each
 * currency's own (`native`), or only the reporting currency's twins, which
 * the projection keeps under `reportingPart(currency)` and the view shows
 * under the currency's own code.
 */
export type CurrencyMode = { kind: 'native' } | { kind: 'reporting'; currency: string };

export const NATIVE: CurrencyMode = { kind: 'native' };

/** A currency as stored (a part, a `currency` field) as the mode shows it; undefined: not read in this mode. */
export function currencyShown(mode: CurrencyMode, stored: string): string | undefined {
  if (mode.kind === 'native') return isReportingPart(stored) ? undefined : stored;
  return stored === reportingPart(mode.currency) ? mode.currency : undefined;
}

/** Families whose cells are one per currency (their part is the currency). */
const PER_CURRENCY = new Set<CellFamily>([...HEURISTIC_MODELS, 'totals', 'sales', 'cohorts']);

/**
 * The cells a view reads in a currency mode: per-currency cells of the
 * mode's currencies only, relabelled; in other cells, money attributes of
 * the mode's currencies only. `missingRate` is read in the reporting
 * currency alone.
 */
export function cellsIn<C extends RollupCell>(mode: CurrencyMode, family: CellFamily, all: readonly C[]): C[] {
  const read: C[] = [];
  for (const cell of all) {
    if (PER_CURRENCY.has(family)) {
      const part = currencyShown(mode, cell.part);
      if (part !== undefined) read.push(part === cell.part ? cell : { ...cell, part });
      continue;
    }
    const attributes: Record<string, number> = {};
    for (const [name, value] of Object.entries(cell.attributes)) {
      const attribute = decode(family, name) as AnyAttribute | undefined;
      if (!attribute) continue;
      if (attribute.measure === 'missingRate') {
        if (mode.kind === 'reporting') attributes[name] = value;
        continue;
      }
      if (typeof attribute.currency !== 'string') {
        attributes[name] = value;
        continue;
      }
      const currency = currencyShown(mode, attribute.currency);
      if (currency !== undefined) attributes[currency === attribute.currency ? name : encode(family as 'funnel', { ...attribute, currency } as AttributeOf<'funnel'>)] = value;
    }
    read.push({ ...cell, attributes });
  }
  return read;
}

/** What the cells left out for want of a rate, by currency and day (docs/contract.md#one-reporting-currency). */
export function missingRatesIn(family: CellFamily, cells: readonly Pick<RollupCell, 'attributes'>[]): MissingRate[] {
  const sums = new Map<string, MissingRate>();
  for (const cell of cells) {
    for (const [name, value] of Object.entries(cell.attributes)) {
      if (!name.startsWith(`${MISSING_RATE.code}${SEPARATOR}`)) continue;
      const attribute = decode(family, name) as { measure: string; from: string; day: string } | undefined;
      if (attribute?.measure !== 'missingRate') continue;
      const id = `${attribute.from}|${attribute.day}`;
      const sum = sums.get(id) ?? { currency: attribute.from, day: attribute.day, amount: 0, source: 'transactions' as const };
      sum.amount += value;
      sums.set(id, sum);
    }
  }
  return mergeMissingRates([...sums.values()]);
}

/** Several lists of missing rates as one: summed by currency and day, zeros left out, by day then currency. */
export function mergeMissingRates(...lists: ReadonlyArray<readonly MissingRate[]>): MissingRate[] {
  const sums = new Map<string, MissingRate>();
  for (const list of lists) {
    for (const entry of list) {
      const id = `${entry.source}|${entry.currency}|${entry.day}`;
      const sum = sums.get(id) ?? { ...entry, amount: 0 };
      sum.amount += entry.amount;
      sums.set(id, sum);
    }
  }
  const order = (entry: MissingRate) => `${entry.day}|${entry.currency}|${entry.source}`;
  return [...sums.values()].filter((entry) => entry.amount !== 0).sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

/** An amount left out of a reporting-currency figure: its currency, the day whose rate it needed, how much (minor units of its currency, signed), and whether revenue or spend. */
export interface MissingRate {
  currency: string;
  day: string;
  amount: number;
  source: 'transactions' | 'spend';
}
