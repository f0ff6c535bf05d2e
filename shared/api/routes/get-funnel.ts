import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { FunnelQuerySchema, funnel } from '../../read-models/views.ts';
import { FunnelAnswerSchema } from '../responses/read-models.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/funnel',
  handler: 'get-funnel',
  access: { kind: 'key', scopes: ['marketing'] },
  table: 'read',
  summary: 'The 360° feedback loop: people by the campaign that acquired them, and what became of them',
  query: FunnelQuerySchema,
  responses: { 200: { description: 'A row per acquiring key, the totals, the period’s time zones', schema: FunnelAnswerSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await funnel(stores(), request.tenantId, request.query(route.query))));
