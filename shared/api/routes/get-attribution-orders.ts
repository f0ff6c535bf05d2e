import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { attributionOrders, OrdersQuerySchema } from '../../read-models/listings.ts';
import { AttributionOrdersAnswerSchema } from '../responses/read-models.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/attribution/orders',
  handler: 'get-attribution-orders',
  access: { kind: 'key', scopes: ['marketing'] },
  table: 'read',
  summary: 'The orders, refunds and cancellations a row of the report or the sales report is made of, newest first',
  query: OrdersQuerySchema,
  responses: {
    200: {
      description:
        'A page of the row’s transactions with this row’s credit and conversions under the model (groupBy rep or sales_channel: the sales credit); `key=(none)` lists the unattributed; nextCursor while more follow. Markov and Shapley answer 400',
      schema: AttributionOrdersAnswerSchema,
    },
  },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await attributionOrders(stores(), request.tenantId, request.query(route.query))));
