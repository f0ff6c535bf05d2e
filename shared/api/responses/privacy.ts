import * as z from 'zod';

export const ErasureEntrySchema = z.strictObject({
  erasureId: z.string(),
  erasedAt: z.string(),
  identifiers: z.array(z.string()).describe('The ids erased, as HMAC-SHA-256 under the tenant’s secret key'),
  erased: z.strictObject({
    touches: z.number().int(),
    stages: z.number().int(),
    links: z.number().int(),
    transactions: z.number().int().describe('Kept for finance, the person removed'),
    checkouts: z.number().int(),
    attributions: z.number().int(),
    projections: z.number().int(),
    droppedBatons: z.number().int(),
  }),
  warehouse: z
    .strictObject({
      rewrittenAt: z.string().describe('When the warehouse files holding the person were written again without them'),
      files: z.number().int().describe('How many files that was'),
    })
    .optional()
    .describe('Absent until the warehouse export has rewritten the files holding the person (within a day, docs/warehouse.md)'),
});

/** An erasure as the log keeps it and GET /v1/erasures lists it. */
export type ErasureLogEntry = z.infer<typeof ErasureEntrySchema>;

export const ErasureLogSchema = z.strictObject({ entries: z.array(ErasureEntrySchema).describe('Newest first'), nextCursor: z.string().optional() });
