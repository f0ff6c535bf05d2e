import * as z from 'zod';
import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { getJob } from '#shared/jobs/recompute.ts';

const deps = stores();

export const JobParamsSchema = z.object({ jobId: z.string().regex(/^job_[0-9a-f-]{36}$/, 'a job id as POST /v1/attribution/recompute gave it') });

export const handler = keyHandler('get-job', async (request) => json(200, await getJob(deps, request.tenantId, request.params(JobParamsSchema).jobId)));
