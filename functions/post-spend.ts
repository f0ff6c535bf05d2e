import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { SpendBatchSchema } from '#shared/api/contract.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { recordSpend } from '#shared/spend/use-cases.ts';

const deps = stores();

export const handler = keyHandler('post-spend', async (request) => json(202, await recordSpend(deps, request.tenantId, request.json(SpendBatchSchema).spend)));
