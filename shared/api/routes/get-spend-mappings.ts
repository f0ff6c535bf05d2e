import * as z from 'zod';
import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { getSpendMappings } from '../../spend/use-cases.ts';
import { SpendMappingsAnswerSchema } from '../responses/spend.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/spend/mappings',
  handler: 'get-spend-mappings',
  access: { kind: 'key', scopes: ['marketing', 'admin'] },
  table: 'read',
  summary: 'Which platform campaign each touch campaign is, and which sources each platform’s spend pays for',
  query: z.object({}).strict(),
  responses: { 200: { description: 'The tenant’s mappings and the aliases in effect', schema: SpendMappingsAnswerSchema } },
});

export const handler = keyHandler(route, async (request) => {
  request.query(route.query);
  return respond(route, 200, await getSpendMappings(stores(), request.tenantId));
});
