import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { TransactionInputSchema } from '../../recording/transactions.ts';
import { recordTransaction } from '../../recording/use-cases.ts';
import { ProblemSchema } from '../responses/common.ts';
import { TransactionAnswerSchema } from '../responses/recording.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'POST',
  path: '/v1/transactions',
  handler: 'post-transactions',
  access: { kind: 'key', scopes: ['ingest'] },
  table: 'readWrite',
  summary: 'Record an order, refund or cancellation',
  body: TransactionInputSchema,
  responses: {
    201: { description: 'Stored (a refund or cancellation whose order is not recorded yet is stored pending)', schema: TransactionAnswerSchema },
    200: { description: 'Stored before with the same content, or a test transaction (ignored)', schema: TransactionAnswerSchema },
    409: {
      description:
        'The transactionId was recorded before with different content, or a refund or cancellation cannot count against its order (another currency, more than the order had, a second cancellation); nothing is stored',
      schema: ProblemSchema,
    },
  },
});

export const handler = keyHandler(route, async (request) => {
  const answer = await recordTransaction(stores(), request.tenantId, request.json(route.body));
  return respond(route, answer.outcome === 'stored' ? 201 : 200, answer);
});
