import * as z from 'zod';

/**
 * A transaction in the reporting currency (docs/contract.md#one-reporting-currency),
 * as the projection converted it and the export shows it: its net and total
 * at the rate of its order's day, or that no rate could be used.
 */
export const ReportingAmountsSchema = z.union([
  z.object({ currency: z.string(), rate: z.string(), rateDay: z.string(), net: z.number().int(), total: z.number().int() }),
  z.object({ currency: z.string(), missing: z.literal(true), rateDay: z.string() }),
]);
export type ReportingAmounts = z.infer<typeof ReportingAmountsSchema>;
