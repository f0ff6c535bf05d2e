import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { SpendAuditQuerySchema, spendAudit } from '../../read-models/spend-audit.ts';
import { SpendAuditAnswerSchema } from '../responses/spend.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/spend/audit',
  handler: 'get-spend-audit',
  access: { kind: 'key', scopes: ['marketing'] },
  table: 'read',
  summary: 'Spend that matched no touch, and campaigns with revenue but no spend',
  query: SpendAuditQuerySchema,
  responses: { 200: { description: 'The period’s spend per platform, what of it matched no touch, and the campaigns no spend pays for', schema: SpendAuditAnswerSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await spendAudit(stores(), request.tenantId, request.query(route.query))));
