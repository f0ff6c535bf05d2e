import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { HandoffsQuerySchema, handoffs } from '../../read-models/views.ts';
import { HandoffsAnswerSchema } from '../responses/read-models.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/handoffs',
  handler: 'get-handoffs',
  access: { kind: 'key', scopes: ['marketing'] },
  table: 'read',
  summary: 'How sales picks up the baton: qualified, contacted, within the SLA, how fast, and the dropped batons',
  query: HandoffsQuerySchema,
  responses: { 200: { description: 'The handoff’s figures, with nextCursor when more dropped batons follow', schema: HandoffsAnswerSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await handoffs(stores(), request.tenantId, request.query(route.query))));
