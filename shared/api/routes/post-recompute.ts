import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { RecomputeBodySchema, startRecompute } from '../../jobs/recompute.ts';
import { JobSchema } from '../responses/jobs.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'POST',
  path: '/v1/attribution/recompute',
  handler: 'post-recompute',
  access: { kind: 'key', scopes: ['admin'] },
  table: 'readWrite',
  summary: 'Start a job that re-projects a period under the current config, a day per task',
  body: RecomputeBodySchema,
  responses: {
    202: { description: 'The job, started: a task per day re-projects the period under the current config; follow it at GET /v1/jobs/{jobId} (also in Location)', schema: JobSchema },
  },
});

/** Starts a recompute job and answers at once: 202 with the job (its progress at `GET /v1/jobs/{id}`). */
export const handler = keyHandler(route, async (request) => {
  const job = await startRecompute(stores(), request.tenantId, request.json(route.body));
  return respond(route, 202, job, { location: `/v1/jobs/${job.jobId}` });
});
