import * as z from 'zod';
import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { TouchInputSchema } from '../../recording/touches.ts';
import { MAX_BATCH, recordTouches } from '../../recording/use-cases.ts';
import { BatchAnswerSchema } from '../responses/recording.ts';
import { checkedOneByOne, defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'POST',
  path: '/v1/touches',
  handler: 'post-touches',
  access: { kind: 'key', scopes: ['ingest'] },
  table: 'readWrite',
  summary: 'Record up to 500 marketing and sales touches',
  body: z.object({ touches: z.array(checkedOneByOne(TouchInputSchema)).min(1).max(MAX_BATCH) }).strict(),
  responses: { 202: { description: 'Good items stored (or found stored before); bad ones rejected with their index and reasons', schema: BatchAnswerSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 202, await recordTouches(stores(), request.tenantId, request.json(route.body).touches)));
