import * as z from 'zod';
import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler, type TenantRequest } from '../../http/handler.ts';
import { PeriodMonthSchema, ReopenBodySchema } from '../../periods/periods.ts';
import { reopenPeriod } from '../../periods/use-cases.ts';
import { ProblemSchema } from '../responses/common.ts';
import { ReopenAnswerSchema } from '../responses/periods.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'POST',
  path: '/v1/periods/{month}/reopen',
  handler: 'post-period-reopen',
  access: { kind: 'key', scopes: ['admin'] },
  table: 'readWrite',
  summary: 'Reopen the latest closed month, with a reason: the adjustments it posted in later months are taken back into it; closing it again makes a new version',
  params: z.object({ month: PeriodMonthSchema }),
  body: ReopenBodySchema,
  responses: {
    200: { description: 'The periods after the reopening, and how many adjustments were taken back', schema: ReopenAnswerSchema },
    409: { description: 'Not the latest closed month', schema: ProblemSchema },
    422: { description: 'No reason given', schema: ProblemSchema },
  },
});

/** Who closes or reopens, as the periods list it: the key's scope and its last four characters (never the key). */
export function closerOf(request: TenantRequest): string {
  const key = request.header('authorization')?.replace(/^Bearer\s+/i, '') ?? '';
  return `${request.scopes.includes('admin') ? 'admin' : 'finance'} key …${key.slice(-4)}`;
}

export const handler = keyHandler(route, async (request) => {
  const { month } = request.params(route.params);
  return respond(route, 200, await reopenPeriod(stores(), request.tenantId, month, request.json(route.body).reason, closerOf(request)));
});
