import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { ErasureLogQuerySchema, erasureLog } from '../../privacy/erasure.ts';
import { ErasureLogSchema } from '../responses/privacy.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/erasures',
  handler: 'get-erasures',
  access: { kind: 'key', scopes: ['admin'] },
  table: 'read',
  summary: 'The erasure log: when, which ids (as keyed hashes), how many records',
  query: ErasureLogQuerySchema,
  responses: { 200: { description: 'Newest first; nextCursor while more follow', schema: ErasureLogSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await erasureLog(stores(), request.tenantId, request.query(route.query))));
