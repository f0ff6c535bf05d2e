import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { listPeriods } from '../../periods/use-cases.ts';
import { PeriodsAnswerSchema } from '../responses/periods.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/periods',
  handler: 'get-periods',
  access: { kind: 'key', scopes: ['finance', 'admin', 'marketing'] },
  table: 'read',
  summary: 'The tenant’s months, closed and open, with who closed them and when',
  responses: { 200: { description: 'Every month from the current one back to the first that can be closed', schema: PeriodsAnswerSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await listPeriods(stores(), request.tenantId)));
