import * as z from 'zod';

const ClosingSchema = z.strictObject({
  month: z.string(),
  version: z.number().int().describe('1 for the first closing, one more after each reopening'),
  closedAt: z.string(),
  closedBy: z.string().describe('The key’s scope and its last four characters'),
  reopenedAt: z.string().optional(),
  reopenedBy: z.string().optional(),
  reason: z.string().optional().describe('Why it was reopened'),
  reporting: z.boolean().optional().describe('Whether its export has the reporting currency’s columns (frozen with it)'),
});

export const PeriodsAnswerSchema = z.strictObject({
  currentMonth: z.string().describe('The tenant’s current month: it cannot be closed'),
  firstCloseable: z.string().nullable().describe('The month of the tenant’s earliest transaction or spend; null before any'),
  closedThrough: z.string().nullable().describe('The latest closed month: every month up to it is closed'),
  takingBack: z.string().optional().describe('A reopened month whose adjustments are still being taken back'),
  months: z
    .array(
      z.strictObject({
        month: z.string(),
        status: z.enum(['closed', 'open']),
        version: z.number().int().describe('Its current closing’s version (0: never closed)'),
        closedAt: z.string().nullable(),
        closedBy: z.string().nullable(),
        closings: z.array(ClosingSchema).describe('Every closing of the month, oldest first, with its reopening'),
      }),
    )
    .describe('From the current month back to the first closeable one'),
});

export const ReopenAnswerSchema = PeriodsAnswerSchema.extend({ takenBack: z.number().int().describe('Adjustments taken back into the reopened month') });
