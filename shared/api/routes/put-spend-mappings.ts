import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { SpendMappingsSchema } from '../../spend/imported.ts';
import { putSpendMappings } from '../../spend/use-cases.ts';
import { SpendMappingsAnswerSchema } from '../responses/spend.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'PUT',
  path: '/v1/spend/mappings',
  handler: 'put-spend-mappings',
  access: { kind: 'key', scopes: ['marketing', 'admin'] },
  table: 'readWrite',
  summary: 'Replace the tenant’s mappings (touch campaign → platform campaign id) and alias lists; reports use them from the next read',
  body: SpendMappingsSchema,
  responses: { 200: { description: 'The mappings as stored and the aliases in effect', schema: SpendMappingsAnswerSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await putSpendMappings(stores(), request.tenantId, request.json(route.body))));
