import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { TransactionParamsSchema } from '#shared/api/contract.ts';
import { getAttribution } from '#shared/attribution/view.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';

const deps = stores();

export const handler = keyHandler('get-attribution', async (request) => json(200, await getAttribution(deps, request.tenantId, request.params(TransactionParamsSchema).transactionId)));
