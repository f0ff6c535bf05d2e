import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { TransactionInputSchema } from '#shared/recording/transactions.ts';
import { recordTransaction } from '#shared/recording/use-cases.ts';

const deps = stores();

export const handler = keyHandler('post-transactions', async (request) => {
  const answer = await recordTransaction(deps, request.tenantId, request.json(TransactionInputSchema));
  return json(answer.outcome === 'stored' ? 201 : 200, answer);
});
