import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { StageBatchSchema } from '#shared/api/contract.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { recordStages } from '#shared/recording/use-cases.ts';

const deps = stores();

export const handler = keyHandler('post-stages', async (request) => json(202, await recordStages(deps, request.tenantId, request.json(StageBatchSchema).stages)));
