import * as z from 'zod';
import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { PeriodMonthSchema } from '../../periods/periods.ts';
import { closePeriod } from '../../periods/use-cases.ts';
import { ProblemSchema } from '../responses/common.ts';
import { PeriodsAnswerSchema } from '../responses/periods.ts';
import { defineRoute, respond } from '../route.ts';
import { closerOf } from './post-period-reopen.ts';

export const route = defineRoute({
  method: 'POST',
  path: '/v1/periods/{month}/close',
  handler: 'post-period-close',
  access: { kind: 'key', scopes: ['finance', 'admin'] },
  table: 'readWrite',
  summary: 'Close a month: its figures and export never change again; what would change them is posted as an adjustment in the first open month',
  params: z.object({ month: PeriodMonthSchema }),
  responses: {
    200: { description: 'The periods after the closing', schema: PeriodsAnswerSchema },
    409: { description: 'Not the month after the latest closed one, already closed, the current month, or before the first transaction or spend', schema: ProblemSchema },
  },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await closePeriod(stores(), request.tenantId, request.params(route.params).month, closerOf(request))));
