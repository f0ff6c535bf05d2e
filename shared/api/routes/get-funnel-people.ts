import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { FunnelPeopleQuerySchema, funnelPeople } from '../../read-models/listings.ts';
import { FunnelPeopleAnswerSchema } from '../responses/read-models.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/funnel/people',
  handler: 'get-funnel-people',
  access: { kind: 'key', scopes: ['marketing'] },
  table: 'read',
  summary: 'The people a funnel row counts: acquired in the period under its key, newest first',
  query: FunnelPeopleQuerySchema,
  responses: { 200: { description: 'A page of the row’s people with their outcomes, nextCursor while more follow', schema: FunnelPeopleAnswerSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await funnelPeople(stores(), request.tenantId, request.query(route.query))));
