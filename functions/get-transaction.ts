import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { TransactionParamsSchema } from '#shared/api/contract.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { getTransaction } from '#shared/recording/use-cases.ts';

const deps = stores();

export const handler = keyHandler('get-transaction', async (request) => json(200, await getTransaction(deps, request.tenantId, request.params(TransactionParamsSchema).transactionId)));
