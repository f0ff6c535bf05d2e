import * as z from 'zod';
import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { ClientIdSchema } from '../../recording/touches.ts';
import { getTransaction } from '../../recording/use-cases.ts';
import { TransactionViewSchema } from '../responses/recording.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/transactions/{transactionId}',
  handler: 'get-transaction',
  access: { kind: 'key', scopes: ['marketing', 'finance'] },
  table: 'read',
  summary: 'A stored transaction',
  params: z.object({ transactionId: ClientIdSchema }),
  responses: { 200: { description: 'The stored transaction, amounts in minor units', schema: TransactionViewSchema } },
});

export const handler = keyHandler(route, async (request) => {
  // getTransaction's declared type leaves out what Baton counts of the transaction (status, counted), which the stored one carries.
  const view = (await getTransaction(stores(), request.tenantId, request.params(route.params).transactionId)) as z.input<typeof TransactionViewSchema>;
  return respond(route, 200, view);
});
