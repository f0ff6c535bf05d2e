import type { AttributionResult } from '../attribution/engine.ts';
import type { Identifier } from '../identity/identity.ts';
import { contentHash } from '../recording/hash.ts';
import type { DISQUALIFICATION_REASONS } from '../recording/vocabulary.ts';
import type { FunnelGroupBy, RowGrouping, SalesDimension } from './groupings.ts';

/**
 * Listings: what a figure is made of, kept beside the rollup cells that
 * count it (docs/contract.md#from-a-figure-to-what-it-is-made-of). The
 * person projection lists each transaction under every report and sales
 * report row it adds to (`orders`), and each person under the funnel rows
 * that count them (`people`); a listing is read a page at a time, newest
 * first, so a page costs the same whatever the tenant's size.
 *
 * The projection keeps a short hash of each entry it wrote, so a change
 * writes only the entries that changed and removes those that went, the way
 * the rollups move by their difference.
 */

/** The rows whose orders are listed: a report's marketing grouping (a channel's campaigns included) or the sales report's dimension. */
export type OrdersGrouping = RowGrouping | SalesDimension;

/** A transaction as a row's listing shows it. */
export interface OrderLine {
  transactionId: string;
  kind: 'order' | 'refund' | 'cancellation';
  occurredAt: string;
  /** The reporting day (the tenant's calendar). */
  day: string;
  currency: string;
  revenue: number;
  /**
   * The row's credit, and its conversions in millionths: per heuristic model
   * under a marketing grouping, under `sales` for a sales dimension.
   */
  credit: Record<string, number>;
  conversions: Record<string, number>;
  sourcedBy: AttributionResult['sourcedBy'];
  boundaryAt: string;
}

/** A person as a funnel row's listing shows them. */
export interface PersonLine {
  /** Their canonical identifier (the journey opens with it). */
  person: Identifier;
  identifiers: Identifier[];
  acquiredAt: string;
  day: string;
  lead: boolean;
  qualified: boolean;
  /** The reason of their latest disqualification, if any. */
  disqualified: (typeof DISQUALIFICATION_REASONS)[number] | null;
  customer: boolean;
  orders: number;
}

/**
 * A customer as the customers export reads them (docs/contract.md#cohorts):
 * listed once under `customers`/`all`, at the day of their latest order, so
 * the entry stays open to change while they keep ordering.
 */
export interface CustomerLine {
  person: Identifier;
  /** YYYY-MM: the month (tenant calendar) of their first counted order. */
  cohort: string;
  firstOrderAt: string;
  /** The first order's day (tenant calendar). */
  firstOrderDay: string;
  currency: string;
  /** The channel of the touch that acquired them (the funnel's), or `(none)`. */
  acquiringChannel: string;
  /** Their orders in the first order's currency: when, its reporting day, its net, and its refunds and cancellations as [when, net]. */
  orders: Array<[at: string, day: string, net: number, adjustments: Array<[at: string, net: number]>]>;
}

export type ListingEntry =
  | { listing: 'orders'; groupBy: OrdersGrouping; key: string; position: string; line: OrderLine }
  | { listing: 'people'; groupBy: FunnelGroupBy; key: string; position: string; line: PersonLine }
  | { listing: 'customers'; groupBy: 'all'; key: 'all'; position: string; line: CustomerLine };

/** The listings whose lines name a person: an erasure removes them, where the orders' lines (which name no one) stay. */
export const PERSONAL_LISTINGS: ReadonlySet<ListingEntry['listing']> = new Set(['people', 'customers']);

/** Where an entry is: its listing and its place in it. */
export type ListingAddress = Pick<ListingEntry, 'listing' | 'groupBy' | 'key' | 'position'>;

/** An entry's place in its listing: its day first, so a period is one range; ties by time, then id. */
export const positionOf = (day: string, at: string, id: string): string => `${day}#${at}#${id}`;
/** The day an entry is counted on. */
export const dayOfPosition = (position: string): string => position.slice(0, position.indexOf('#'));

const SEP = '\u0000';

/** An entry's id within a projection (the key last: it may hold anything). */
export function entryId(address: ListingAddress): string {
  return [address.listing, address.groupBy, address.position, address.key].join(SEP);
}

export function parseEntryId(id: string): ListingAddress {
  const [listing, groupBy, position, ...key] = id.split(SEP);
  return { listing, groupBy, position, key: key.join(SEP) } as ListingAddress;
}

/** What a projection keeps of the entries it wrote: a short hash of each, by id. */
export type Listed = Record<string, string>;

const hashOf = (entry: ListingEntry) => contentHash(entry.line).slice(0, 16);

/**
 * What to write and remove to go from the entries listed before to `next`.
 * Days before `finalBefore` are final, as the rollups' are (see
 * `keepFinal`): an entry listed before on such a day stays as it was.
 */
export function listingChanges(next: readonly ListingEntry[], previous: Listed, finalBefore: string): { put: ListingEntry[]; remove: ListingAddress[]; listed: Listed } {
  const listed: Listed = {};
  const put: ListingEntry[] = [];
  const isFinal = (position: string) => dayOfPosition(position) < finalBefore;
  for (const entry of next) {
    const id = entryId(entry);
    const before = previous[id];
    if (before !== undefined && isFinal(entry.position)) {
      listed[id] = before;
      continue;
    }
    const hash = hashOf(entry);
    listed[id] = hash;
    if (before !== hash) put.push(entry);
  }
  const remove: ListingAddress[] = [];
  for (const [id, hash] of Object.entries(previous)) {
    if (id in listed) continue;
    const address = parseEntryId(id);
    if (isFinal(address.position)) listed[id] = hash;
    else remove.push(address);
  }
  return { put, remove, listed };
}
