import * as z from 'zod';
import { stores } from '../../adapters/dynamodb/stores.ts';
import { getAttribution } from '../../attribution/view.ts';
import { keyHandler } from '../../http/handler.ts';
import { ClientIdSchema } from '../../recording/touches.ts';
import { AttributionSchema } from '../responses/people.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/transactions/{transactionId}/attribution',
  handler: 'get-attribution',
  access: { kind: 'key', scopes: ['marketing'] },
  table: 'read',
  summary: 'Where marketing ended and the sale began, and the credits under every heuristic model',
  params: z.object({ transactionId: ClientIdSchema }),
  responses: { 200: { description: 'The boundary, who sourced the sale, marketing credits per model, sales credits, touches after the boundary', schema: AttributionSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await getAttribution(stores(), request.tenantId, request.params(route.params).transactionId)));
