import * as z from 'zod';
import { type Minor, parseAmount } from '../money/money.ts';
import { MoneyStringSchema } from '../recording/money-schema.ts';
import { InstantSchema } from '../recording/time.ts';
import { CurrencySchema } from '../tenants/tenant.ts';
import { DaySchema } from '../time/days.ts';

/** How far ahead of Baton's clock a `reportedAt` may be. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** A name as touches store it: trimmed and lower-cased, so spend meets the touches' campaigns, sources and mediums. */
const UtmName = z.string().trim().min(1).max(500).toLowerCase();

/**
 * One line of `POST /v1/spend`: what a campaign cost on a day (a day in the
 * tenant's time zone, as reports count days). `channel`, `source` and
 * `medium` let the cost show on reports grouped by channel and by
 * source/medium too. `reportedAt` orders restatements: ad platforms revise
 * a day's spend, and the latest report wins.
 */
export const SpendInputSchema = z
  .object({
    date: DaySchema,
    campaign: UtmName,
    currency: CurrencySchema,
    amount: MoneyStringSchema,
    channel: z.string().trim().min(1).max(64).optional(),
    source: UtmName.optional(),
    medium: UtmName.optional(),
    reportedAt: InstantSchema.optional(),
  })
  .strict()
  .superRefine((spend, ctx) => {
    try {
      parseAmount(spend.amount, spend.currency);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: (error as Error).message });
    }
    if ((spend.source === undefined) !== (spend.medium === undefined))
      ctx.addIssue({ code: 'custom', path: [spend.source === undefined ? 'source' : 'medium'], message: 'give source and medium together' });
    // a figure dated ahead of the clock would outrank every real restatement until then
    if (spend.reportedAt && Date.parse(spend.reportedAt) > Date.now() + MAX_CLOCK_SKEW_MS) ctx.addIssue({ code: 'custom', path: ['reportedAt'], message: 'reportedAt is in the future' });
  });

export type SpendInput = z.infer<typeof SpendInputSchema>;

export interface SpendEntry {
  day: string;
  campaign: string;
  currency: string;
  /** Minor units. */
  amount: Minor;
  channel?: string;
  /** `source / medium`, as report rows name it. */
  sourceMedium?: string;
  /** When the ad platform reported this figure (or Baton received it): the latest wins. */
  reportedAt: string;
}

/** What one day's campaign figure is stored under: a restatement replaces it. */
export function spendId(entry: Pick<SpendEntry, 'day' | 'currency' | 'campaign'>): string {
  return `${entry.day}#${entry.currency}#${entry.campaign}`;
}

export function normaliseSpend(input: SpendInput, receivedAt: string): SpendEntry {
  return {
    day: input.date,
    campaign: input.campaign,
    currency: input.currency,
    amount: parseAmount(input.amount, input.currency),
    ...(input.channel ? { channel: input.channel } : {}),
    ...(input.source && input.medium ? { sourceMedium: `${input.source} / ${input.medium}` } : {}),
    reportedAt: input.reportedAt ? new Date(input.reportedAt).toISOString() : receivedAt,
  };
}

/** What a report of a day's figure says, apart from when it was reported. */
export function figureOf(entry: SpendEntry): string {
  return JSON.stringify([entry.amount, entry.channel ?? null, entry.sourceMedium ?? null]);
}

/** Two reports of the same figure. */
export function sameFigure(a: SpendEntry, b: SpendEntry): boolean {
  return figureOf(a) === figureOf(b);
}

/** The report groupings spend can be read under: `kind` is a property of touches, not of campaigns. */
export type SpendGroupBy = 'channel' | 'campaign' | 'source_medium';

/** The row key an entry's cost counts under for a grouping, or undefined when the entry does not say. */
export function spendKey(entry: { campaign?: string; channel?: string; sourceMedium?: string }, groupBy: SpendGroupBy): string | undefined {
  switch (groupBy) {
    case 'campaign':
      return entry.campaign;
    case 'channel':
      return entry.channel;
    case 'source_medium':
      return entry.sourceMedium;
  }
}
