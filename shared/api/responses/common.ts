import * as z from 'zod';
import { HOUR_BUCKETS } from '../../projection/cells.ts';

/*
 * The API's answers are declared as strict objects: the OpenAPI document
 * promises no other properties, and the integration tests hold every answer
 * to that (test/support/api.ts).
 *
 * These modules import nothing that needs Node: the dashboard's types are
 * inferred from them (dashboard/src/types.ts) and type-checked as browser
 * code.
 */

/** The error body of every route: `{"error": {"code", "message", "details"}}`. */
export const ProblemSchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    details: z.unknown().describe('For invalid input: [{path, message, code}] with the zod path of each field'),
  }),
});

/** What API Gateway answers itself when it throttles. */
export const GatewayMessageSchema = z.strictObject({ message: z.string() });

export const IssueSchema = z.strictObject({
  path: z.string().describe('The zod path of the field, e.g. `touches.3.occurredAt`'),
  message: z.string(),
  code: z.string().optional(),
  offset: z.number().int().optional().describe('For malformed JSON: the byte offset in the body where the problem was found'),
  line: z.number().int().optional().describe('For a file: the line (1-based; 0 is the file as a whole)'),
});

export const RejectedSchema = z.array(z.strictObject({ index: z.number().int(), errors: z.array(IssueSchema) })).describe('Items refused, each with its index in the batch and why');

/** An object with one property per key, each of `value`'s schema. */
export function keyedBy<const K extends string, V extends z.ZodType>(keys: readonly K[], value: V) {
  return z.strictObject(Object.fromEntries(keys.map((key) => [key, value])) as Record<K, V>);
}

/** A transaction's amounts, in minor units. */
export const AmountsShape = { gross: z.number().int(), discount: z.number().int(), net: z.number().int(), tax: z.number().int(), shipping: z.number().int(), total: z.number().int() };

/** What every answer over a period of days carries. */
export const PeriodSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  timezone: z.string().optional().describe('The zone of every day of the period, when it has one'),
  timezones: z.array(z.strictObject({ from: z.string(), to: z.string(), timezone: z.string() })).describe('The tenant’s zone over the period: one entry unless the zone changed within it'),
  recompute: z
    .strictObject({ advised: z.literal(true), since: z.string(), fields: z.array(z.string()), message: z.string() })
    .optional()
    .describe('Present while settings changed since `since` (fields) that figures counted before then were not computed under; gone once a recompute started after the change has run'),
});

/** What an answer asked for with `currency=reporting` adds (docs/contract.md#one-reporting-currency). */
export const ReportingShape = {
  reportingCurrency: z.string().optional().describe('With currency=reporting: the currency every amount of the answer is in'),
  missingRates: z
    .array(
      z.strictObject({
        currency: z.string(),
        day: z.string().describe('The day whose rate was needed (an order’s, for its refunds too)'),
        amount: z.number().int().describe('Minor units of `currency`, signed (refunds negative), left out of the figures'),
        source: z.enum(['transactions', 'spend']),
      }),
    )
    .optional()
    .describe('With currency=reporting: amounts left out for want of a rate within fxMaxAgeDays, never counted as 0 or at 1'),
};

/** The period header of an answer: its days, their zones, the recompute advice. */
export type Period = z.infer<typeof PeriodSchema>;

export const HoursSchema = z
  .number()
  .nullable()
  .describe(`From hour buckets (${HOUR_BUCKETS.join(', ')}+), interpolated within the bucket; null without data`);
