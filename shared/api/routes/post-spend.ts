import * as z from 'zod';
import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { MAX_BATCH } from '../../recording/use-cases.ts';
import { SpendInputSchema } from '../../spend/spend.ts';
import { recordSpend } from '../../spend/use-cases.ts';
import { SpendAnswerSchema } from '../responses/recording.ts';
import { checkedOneByOne, defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'POST',
  path: '/v1/spend',
  handler: 'post-spend',
  access: { kind: 'key', scopes: ['ingest'] },
  table: 'readWrite',
  summary: 'Record what campaigns cost per day; reports then show cost, ROAS and CPA',
  body: z.object({ spend: z.array(checkedOneByOne(SpendInputSchema)).min(1).max(MAX_BATCH) }).strict(),
  responses: {
    202: { description: 'Each day’s figure per campaign and currency stored unless a later report of it is; bad lines rejected with their index and reasons', schema: SpendAnswerSchema },
  },
});

export const handler = keyHandler(route, async (request) => respond(route, 202, await recordSpend(stores(), request.tenantId, request.json(route.body).spend)));
