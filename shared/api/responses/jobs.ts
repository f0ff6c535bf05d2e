import * as z from 'zod';
import { JOB_KINDS, JOB_STATUSES } from '../../jobs/recompute.ts';

export const JobSchema = z.strictObject({
  jobId: z.string(),
  kind: z
    .enum(JOB_KINDS)
    .describe('recompute: re-attributes the range under the current config; reconvert: converts it again at the tenant’s rates (after a rate edit), each order keeping its attribution’s config'),
  status: z.enum(JOB_STATUSES),
  from: z.string(),
  to: z.string(),
  range: z.strictObject({ start: z.string(), end: z.string() }).describe('The range’s instants (the tenant’s calendar when the job started): the orders re-attributed'),
  days: z.strictObject({ total: z.number().int(), done: z.number().int() }),
  transactions: z.number().int(),
  people: z.number().int(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  failure: z
    .strictObject({ day: z.string(), error: z.string() })
    .optional()
    .describe('When failed: the day whose task kept failing (its message is in the recompute dead-letter queue) and its last error'),
});
