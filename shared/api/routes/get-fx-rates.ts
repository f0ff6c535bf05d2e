import { stores } from '../../adapters/dynamodb/stores.ts';
import { FxRatesQuerySchema, listFxRates } from '../../fx/use-cases.ts';
import { keyHandler } from '../../http/handler.ts';
import { FxRatesListSchema } from '../responses/fx.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/fx-rates',
  handler: 'get-fx-rates',
  access: { kind: 'key', scopes: ['finance', 'admin', 'marketing'] },
  table: 'read',
  summary: 'The tenant’s exchange rates of the days from … to (at most 366), as stored, with the reporting currency and fxMaxAgeDays that use them',
  query: FxRatesQuerySchema,
  responses: { 200: { description: 'The rates of the period, sorted by day, base and quote', schema: FxRatesListSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await listFxRates(stores(), request.tenantId, request.query(route.query))));
