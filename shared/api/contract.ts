import * as z from 'zod';
import { AttributionConfigPatchSchema, AttributionConfigSchema } from '../tenants/attribution-config.ts';

/** SPEC §8's problem body. */
export const ProblemSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().describe('For invalid input: [{path, message, code}] with the zod path of each field'),
  }),
});

export const HealthSchema = z.object({ status: z.enum(['ok', 'degraded']), dynamodb: z.enum(['ok', 'unreachable']) });

export const ConfigViewSchema = AttributionConfigSchema.extend({ version: z.number().int(), updatedAt: z.iso.datetime() });

/**
 * What each handler accepts and answers, by handler name (see
 * shared/routes.ts). The handlers validate with these very schemas, and the
 * OpenAPI document is generated from them.
 */
export interface RouteContract {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

export const contracts: Record<string, RouteContract> = {
  health: { responses: { 200: { description: 'The service and its table answer', schema: HealthSchema }, 503: { description: 'DynamoDB is unreachable', schema: HealthSchema } } },
  'get-config': { responses: { 200: { description: 'The attribution configuration', schema: ConfigViewSchema } } },
  'patch-config': {
    body: AttributionConfigPatchSchema,
    responses: {
      200: { description: 'The configuration after the change', schema: ConfigViewSchema },
      409: { description: 'Another change landed meanwhile; read and retry' },
    },
  },
};
