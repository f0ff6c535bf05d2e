import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { IdentifyInputSchema } from '../../recording/stages.ts';
import { identify } from '../../recording/use-cases.ts';
import { IdentifyAnswerSchema } from '../responses/recording.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'POST',
  path: '/v1/identify',
  handler: 'post-identify',
  access: { kind: 'key', scopes: ['ingest'] },
  table: 'readWrite',
  summary: 'Link an anonymous id to a customer id or email',
  body: IdentifyInputSchema,
  responses: { 202: { description: 'The ids are one person from now on, earlier touches included', schema: IdentifyAnswerSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 202, await identify(stores(), request.tenantId, request.json(route.body))));
