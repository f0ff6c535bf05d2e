import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { PersonLookupSchema } from '../../identity/identity.ts';
import { journey } from '../../recording/use-cases.ts';
import { JourneySchema } from '../responses/people.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/people/journey',
  handler: 'get-journey',
  access: { kind: 'key', scopes: ['marketing'] },
  table: 'read',
  summary: "A person's linked ids, touches, stages and transactions in time order",
  query: PersonLookupSchema,
  responses: { 200: { description: "The person's linked ids, touches, stages and transactions in time order", schema: JourneySchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await journey(stores(), request.tenantId, request.query(route.query))));
