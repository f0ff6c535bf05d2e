import * as z from 'zod';
import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { getJob } from '../../jobs/recompute.ts';
import { JobSchema } from '../responses/jobs.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/jobs/{jobId}',
  handler: 'get-job',
  access: { kind: 'key', scopes: ['admin'] },
  table: 'read',
  summary: 'A job and its progress',
  params: z.object({ jobId: z.string().regex(/^job_[0-9a-f-]{36}$/, 'a job id as POST /v1/attribution/recompute gave it') }),
  responses: { 200: { description: 'The job and its progress', schema: JobSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await getJob(stores(), request.tenantId, request.params(route.params).jobId)));
