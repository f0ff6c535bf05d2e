import * as z from 'zod';
import { CONVERSION_SHARE_SCALE } from '../attribution/engine.ts';
import { HEURISTIC_MODELS, type HeuristicModel, MODELS } from '../attribution/models.ts';
import { ValidationError } from '../errors.ts';
import { decodeCursor, encodeCursor } from '../exports/export.ts';
import { channelCampaignKey, FUNNEL_GROUP_BYS, type FunnelGroupBy, GROUP_BYS, SALES_DIMENSIONS, type SalesDimension } from '../projection/groupings.ts';
import type { ListingQuery, ProjectionStore } from '../projection/ports.ts';
import type { TenantRecord, TenantStore } from '../tenants/ports.ts';
import { calendarOf, requireTenant } from '../tenants/use-cases.ts';
import { DaySchema, periodCheck } from '../time/days.ts';
import { periodHeader } from './period.ts';
import { ChannelFilterSchema } from './reports.ts';

/**
 * What a figure is made of (docs/contract.md#from-a-figure-to-what-it-is-made-of):
 * the orders of a report row, the people of a funnel row, a page at a time
 * from the listings the person projection keeps. A page is one query of
 * `limit + 1` items, whatever the tenant's size.
 */

const MAX_LISTING_DAYS = 366;
export const LISTING_LIMIT = { default: 50, max: 500 } as const;

const listingQuery = {
  from: DaySchema,
  to: DaySchema,
  key: z.string().min(1).max(1024).describe('The row’s key as the report gives it; `(none)` for the unattributed'),
  limit: z.coerce.number().int().min(1).max(LISTING_LIMIT.max).default(LISTING_LIMIT.default),
  cursor: z.string().min(1).max(2000).optional(),
};

export const OrdersQuerySchema = z
  .object({ ...listingQuery, model: z.enum(MODELS).optional(), groupBy: z.enum([...GROUP_BYS, ...SALES_DIMENSIONS]).default('channel'), channel: ChannelFilterSchema })
  .strict()
  .superRefine(periodCheck(MAX_LISTING_DAYS))
  .superRefine((query, ctx) => {
    if (query.channel !== undefined && query.groupBy !== 'campaign') ctx.addIssue({ code: 'custom', path: ['channel'], message: 'channel narrows groupBy=campaign only' });
  });

export const FunnelPeopleQuerySchema = z
  .object({ ...listingQuery, groupBy: z.enum(FUNNEL_GROUP_BYS).default('campaign') })
  .strict()
  .superRefine(periodCheck(MAX_LISTING_DAYS));

export interface ListingDeps {
  tenants: TenantStore;
  projections: Pick<ProjectionStore, 'listingPage'>;
}

/** A listing cursor's position and the listing it belongs to; nothing for another kind of cursor (the export's). */
function scopedPosition(after: string): [string?, string?] {
  try {
    const parsed: unknown = JSON.parse(after);
    return Array.isArray(parsed) && parsed.length === 2 && parsed.every((part) => typeof part === 'string') ? (parsed as [string, string]) : [];
  } catch {
    return [];
  }
}

/**
 * A cursor names its listing as well as its period and position: another
 * row's, model's or period's cursor is refused, not silently followed.
 */
function pager(tenant: TenantRecord, query: Omit<ListingQuery, 'listing'> & { listing: string; cursor?: string }) {
  const period = { from: query.from, to: query.to, tz: calendarOf(tenant).timezone };
  const scope = JSON.stringify([query.listing, query.groupBy, query.key]);
  let before: string | undefined;
  if (query.cursor) {
    const { after } = decodeCursor(tenant, query.cursor, period);
    const [given, position] = scopedPosition(after);
    if (given !== scope || !position)
      throw new ValidationError('The cursor is not one this listing gave.', [{ path: 'query.cursor', message: 'another listing’s or row’s cursor', code: 'invalid_cursor' }]);
    before = position;
  }
  return {
    before,
    nextCursor: (next: string | undefined) => (next ? { nextCursor: encodeCursor(tenant, { ...period, after: JSON.stringify([scope, next]), asOf: '' }) } : {}),
  };
}

/** `GET /v1/attribution/orders`: the transactions a report row (or a sales report row) is made of, newest first. */
export async function attributionOrders(deps: ListingDeps, tenantId: string, query: z.infer<typeof OrdersQuerySchema>) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const sales = (SALES_DIMENSIONS as readonly string[]).includes(query.groupBy);
  const model = sales ? undefined : (query.model ?? tenant.config.defaultModel);
  if (model !== undefined && !(HEURISTIC_MODELS as readonly string[]).includes(model)) {
    throw new ValidationError('Data-driven models credit a channel from all the period’s journeys at once: no order carries a share of it.', [
      { path: 'query.model', message: `list orders under a heuristic model (${HEURISTIC_MODELS.join(', ')})`, code: 'invalid_value' },
    ]);
  }
  const creditOf = (model ?? 'sales') as HeuristicModel | SalesDimension;
  // A channel's campaign is a row of its own (see ROW_GROUPINGS).
  const row = query.channel === undefined ? { groupBy: query.groupBy, key: query.key } : { groupBy: 'channel_campaign' as const, key: channelCampaignKey(query.channel, query.key) };
  const paging = pager(tenant, { ...query, ...row, listing: `orders:${creditOf}` });
  const page = await deps.projections.listingPage(tenantId, { listing: 'orders', ...row, from: query.from, to: query.to }, query.limit, paging.before);
  return {
    ...periodHeader(tenant, query),
    ...(model ? { model: model as HeuristicModel } : {}),
    groupBy: query.groupBy,
    ...(query.channel !== undefined ? { channel: query.channel } : {}),
    key: query.key,
    orders: page.lines.map(({ credit, conversions, ...line }) => ({
      ...line,
      credit: credit[creditOf] ?? 0,
      conversions: (conversions[creditOf] ?? 0) / CONVERSION_SHARE_SCALE,
    })),
    ...paging.nextCursor(page.next),
  };
}

/** `GET /v1/funnel/people`: the people a funnel row counts (acquired in the period under its key), newest first. */
export async function funnelPeople(deps: ListingDeps, tenantId: string, query: z.infer<typeof FunnelPeopleQuerySchema>) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const paging = pager(tenant, { ...query, listing: 'people' });
  const groupBy: FunnelGroupBy = query.groupBy;
  const page = await deps.projections.listingPage(tenantId, { listing: 'people', groupBy, key: query.key, from: query.from, to: query.to }, query.limit, paging.before);
  return { ...periodHeader(tenant, query), groupBy, key: query.key, people: page.lines, ...paging.nextCursor(page.next) };
}
