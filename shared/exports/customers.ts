import { createHmac } from 'node:crypto';
import * as z from 'zod';
import { formatAmount } from '../money/money.ts';
import type { CustomerLine } from '../projection/listings.ts';
import type { ProjectionStore } from '../projection/ports.ts';
import type { TenantRecord } from '../tenants/ports.ts';
import { DaySchema, dayOf, daysBetween } from '../time/days.ts';
import { type Cell, csvHeaders, csvRecords } from './csv.ts';

export const CustomersExportQuerySchema = z
  .object({
    asOf: DaySchema.optional().describe('The day (tenant time zone) the figures are as of: orders, refunds and cancellations after it are left out; default today'),
    format: z.enum(['csv', 'ndjson']).default('csv'),
  })
  .strict();

/** Customers a page of the listing holds while the export streams. */
const PAGE = 500;

/** One customer as BTYD tools (lifetimes' BG/NBD and Gamma-Gamma) take them. */
export interface CustomerRow {
  /** A keyed hash of the customer: stable for the tenant, meaningless outside it. */
  customer: string;
  cohort: string;
  first_order: string;
  acquiring_channel: string;
  currency: string;
  /** Days after the first order's with a purchase (an order worth more than its refunds and cancellations by asOf). */
  frequency: number;
  /** Days from the first order's day to the last purchase day (0 without repeats). */
  recency: number;
  /** Days from the first order's day to asOf. */
  T: number;
  /** Mean net of the repeat purchase days, in the currency's decimals ("0.00" without repeats). */
  monetary_value: string;
}

const COLUMNS = ['customer', 'cohort', 'first_order', 'acquiring_channel', 'currency', 'frequency', 'recency', 'T', 'monetary_value'] as const satisfies ReadonlyArray<keyof CustomerRow>;

/** A customer's BTYD figures as of a day; undefined when their first order came after it. */
export function customerRow(line: CustomerLine, asOf: string, timezone: string, hashKey: string): CustomerRow | undefined {
  if (line.firstOrderDay > asOf) return undefined;
  const byDay = new Map<string, number>();
  for (const [, day, net, adjustments] of line.orders) {
    if (day > asOf) continue;
    const value = net - adjustments.filter(([at]) => dayOf(at, timezone) <= asOf).reduce((sum, [, amount]) => sum + amount, 0);
    byDay.set(day, (byDay.get(day) ?? 0) + value);
  }
  const repeats = [...byDay]
    .filter(([day, value]) => day > line.firstOrderDay && value > 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([day, value]) => ({ day, value }));
  const total = repeats.reduce((sum, repeat) => sum + repeat.value, 0);
  return {
    customer: createHmac('sha256', hashKey).update(`customer:${line.person}`).digest('hex').slice(0, 24),
    cohort: line.cohort,
    first_order: line.firstOrderDay,
    acquiring_channel: line.acquiringChannel,
    currency: line.currency,
    frequency: repeats.length,
    recency: repeats.length > 0 ? daysBetween(line.firstOrderDay, repeats.at(-1)!.day) - 1 : 0,
    T: daysBetween(line.firstOrderDay, asOf) - 1,
    // the mean, rounded half up to the minor unit
    monetary_value: formatAmount(repeats.length > 0 ? Math.round(total / repeats.length) : 0, line.currency),
  };
}

/**
 * `GET /v1/exports/customers`: one line per customer, streamed as the
 * customers listing's pages arrive (one query a page, whatever the period:
 * the listing holds every customer once).
 */
export function exportCustomers(deps: { projections: Pick<ProjectionStore, 'listingPage'> }, tenant: TenantRecord, query: z.infer<typeof CustomersExportQuerySchema>, now = new Date()) {
  const timezone = tenant.config.timezone;
  const asOf = query.asOf ?? dayOf(now, timezone);
  const hashKey = tenant.cursorKey ?? tenant.tenantId;
  const rows = async function* () {
    let before: string | undefined;
    do {
      const page = await deps.projections.listingPage(tenant.tenantId, { listing: 'customers', groupBy: 'all', key: 'all', from: '0000-01-01', to: '9999-12-31' }, PAGE, before);
      const found = page.lines.map((line) => customerRow(line, asOf, timezone, hashKey)).filter((row): row is CustomerRow => row !== undefined);
      if (found.length > 0) yield found;
      before = page.next;
    } while (before);
  };
  const filename = `${tenant.tenantId}-customers-${asOf}`;
  if (query.format === 'ndjson') {
    return {
      contentType: 'application/x-ndjson',
      contentDisposition: `attachment; filename="${filename}.ndjson"`,
      body: (async function* () {
        for await (const found of rows()) yield found.map((row) => `${JSON.stringify(row)}\n`).join('');
      })(),
    };
  }
  return {
    contentType: csvHeaders(filename)['content-type']!,
    contentDisposition: `attachment; filename="${filename}.csv"`,
    body: (async function* () {
      yield csvRecords([COLUMNS]);
      for await (const found of rows()) yield csvRecords(found.map((row): Cell[] => COLUMNS.map((column) => row[column])));
    })(),
  };
}
