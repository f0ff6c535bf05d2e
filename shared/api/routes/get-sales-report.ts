import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { SalesQuerySchema, salesReport } from '../../read-models/views.ts';
import { SalesAnswerSchema } from '../responses/read-models.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/sales/report',
  handler: 'get-sales-report',
  access: { kind: 'key', scopes: ['marketing'] },
  table: 'read',
  summary: 'The sales credit of the period by rep or sales channel',
  query: SalesQuerySchema,
  responses: { 200: { description: 'Rows per currency and seller; each currency’s rows sum to its revenue (totals)', schema: SalesAnswerSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await salesReport(stores(), request.tenantId, request.query(route.query))));
