import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { PathsQuerySchema, paths } from '../../read-models/views.ts';
import { PathsAnswerSchema } from '../responses/read-models.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/attribution/paths',
  handler: 'get-paths',
  access: { kind: 'key', scopes: ['marketing'] },
  table: 'read',
  summary: 'Top channel paths of the period’s orders, path-length and time-lag histograms',
  query: PathsQuerySchema,
  responses: { 200: { description: 'The top `limit` paths by orders, and both histograms with every bucket', schema: PathsAnswerSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await paths(stores(), request.tenantId, request.query(route.query))));
