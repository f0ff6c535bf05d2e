import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { RecomputeBodySchema, startRecompute } from '#shared/jobs/recompute.ts';

const deps = stores();

/** Starts a recompute job and answers at once: 202 with the job (its progress at `GET /v1/jobs/{id}`). */
export const handler = keyHandler('post-recompute', async (request) => {
  const job = await startRecompute(deps, request.tenantId, request.json(RecomputeBodySchema));
  return json(202, job, { location: `/v1/jobs/${job.jobId}` });
});
