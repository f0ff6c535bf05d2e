import * as z from 'zod';
import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { StageInputSchema } from '../../recording/stages.ts';
import { MAX_BATCH, recordStages } from '../../recording/use-cases.ts';
import { BatchAnswerSchema } from '../responses/recording.ts';
import { checkedOneByOne, defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'POST',
  path: '/v1/stages',
  handler: 'post-stages',
  access: { kind: 'key', scopes: ['ingest'] },
  table: 'readWrite',
  summary: 'Record funnel milestones: lead, qualified, disqualified',
  body: z.object({ stages: z.array(checkedOneByOne(StageInputSchema)).min(1).max(MAX_BATCH) }).strict(),
  responses: { 202: { description: 'As for touches', schema: BatchAnswerSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 202, await recordStages(stores(), request.tenantId, request.json(route.body).stages)));
