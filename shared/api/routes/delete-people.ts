import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { ErasureQuerySchema, erasePerson } from '../../privacy/erasure.ts';
import { ProblemSchema } from '../responses/common.ts';
import { ErasureEntrySchema } from '../responses/privacy.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'DELETE',
  path: '/v1/people',
  handler: 'delete-people',
  access: { kind: 'key', scopes: ['admin'] },
  table: 'readWrite',
  summary: 'Erase a person: every touch, stage, link, URL and hash of theirs; their transactions stay, the person removed',
  query: ErasureQuerySchema,
  responses: {
    200: { description: 'Erased (or nothing left to erase: an unknown or already erased person answers the same, with zero counts); the entry the erasure log keeps', schema: ErasureEntrySchema },
    400: { description: 'No id, an id that is not valid, or ids of different people', schema: ProblemSchema },
  },
});

/** Erases the person the query's ids name; answers what it erased, as the erasure log keeps it. */
export const handler = keyHandler(route, async (request) => respond(route, 200, await erasePerson(stores(), request.tenantId, request.query(route.query))));
