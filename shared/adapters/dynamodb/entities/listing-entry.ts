import * as z from 'zod';
import { FUNNEL_GROUP_BYS, ROW_GROUPINGS, SALES_DIMENSIONS } from '../../../projection/groupings.ts';
import type { CustomerLine, ListingAddress, ListingEntry, OrderLine, PersonLine } from '../../../projection/listings.ts';
import type { ListingQuery } from '../../../projection/ports.ts';
import { DISQUALIFICATION_REASONS } from '../../../recording/vocabulary.ts';
import { IdentifierSchema, type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/**
 * `LIST#<listing>#<groupBy>#<key>` / `<day>#<at>#<id>`: one line of a
 * listing (shared/projection/listings.ts), a partition per row, so a page
 * is one query read backwards from a period's last day.
 */
const ENTITY = 'listing_entry' as const;

const Amounts = z.record(z.string(), z.number());

const OrderLineSchema = z.strictObject({
  transactionId: z.string(),
  kind: z.enum(['order', 'refund', 'cancellation']),
  occurredAt: z.string(),
  day: z.string(),
  currency: z.string(),
  revenue: z.number(),
  credit: Amounts,
  conversions: Amounts,
  sourcedBy: z.enum(['marketing', 'sales', 'none']),
  boundaryAt: z.string(),
}) satisfies z.ZodType<OrderLine>;

const PersonLineSchema = z.strictObject({
  person: IdentifierSchema,
  identifiers: z.array(IdentifierSchema),
  acquiredAt: z.string(),
  day: z.string(),
  lead: z.boolean(),
  qualified: z.boolean(),
  disqualified: z.enum(DISQUALIFICATION_REASONS).nullable(),
  customer: z.boolean(),
  orders: z.number(),
}) satisfies z.ZodType<PersonLine>;

const CustomerLineSchema = z.strictObject({
  person: IdentifierSchema,
  cohort: z.string(),
  firstOrderAt: z.string(),
  firstOrderDay: z.string(),
  currency: z.string(),
  acquiringChannel: z.string(),
  orders: z.array(z.tuple([z.string(), z.string(), z.number(), z.array(z.tuple([z.string(), z.number()]))])),
}) satisfies z.ZodType<CustomerLine>;

const ListingEntryItem = z.discriminatedUnion('listing', [
  itemSchema(ENTITY, { listing: z.literal('orders'), groupBy: z.enum([...ROW_GROUPINGS, ...SALES_DIMENSIONS]), line: OrderLineSchema }),
  itemSchema(ENTITY, { listing: z.literal('people'), groupBy: z.enum(FUNNEL_GROUP_BYS), line: PersonLineSchema }),
  itemSchema(ENTITY, { listing: z.literal('customers'), groupBy: z.literal('all'), line: CustomerLineSchema }),
]);

const partition = (tenantId: string, address: Pick<ListingAddress, 'listing' | 'groupBy' | 'key'>) => tenantKey(tenantId, 'LIST', address.listing, address.groupBy, address.key);

export const listingEntryEntity = {
  name: ENTITY,
  partition,
  key: (tenantId: string, address: ListingAddress): Key => ({ pk: partition(tenantId, address), sk: address.position }),
  /** The sort keys of a period's positions: every position of the days `from`..`to`. */
  positions: (query: Pick<ListingQuery, 'from' | 'to'>): { from: string; to: string } => ({ from: `${query.from}#`, to: `${query.to}#\uffff` }),
  toItem: (tenantId: string, entry: ListingEntry) => ({
    ...listingEntryEntity.key(tenantId, entry),
    ...stamp(ENTITY),
    listing: entry.listing,
    groupBy: entry.groupBy,
    line: entry.line,
  }),
  fromItem(item: Item): { position: string; line: OrderLine | PersonLine | CustomerLine } {
    const { line } = ListingEntryItem.parse(item);
    return { position: String(item.sk), line };
  },
};
