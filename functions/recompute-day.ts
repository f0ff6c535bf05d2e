import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { queueBatchHandler } from '#shared/events/batch-consumer.ts';
import { RecomputeTaskSchema, runRecomputeTask } from '#shared/jobs/recompute.ts';
import { logger } from '#shared/observability/logger.ts';
import { queues } from '#shared/queues.ts';

const deps = stores();
const { maxReceiveCount } = queues.find((queue) => queue.target === 'recompute-day')!;

/** The recompute queue's consumer: a day of a job per message. */
export const handler = queueBatchHandler({
  parse: (body) => RecomputeTaskSchema.parse(body),
  maxReceiveCount,
  handle: async (task, _message, context) => {
    const outcome = await runRecomputeTask(deps, task, () => context?.getRemainingTimeInMillis() ?? Infinity);
    logger.info('Recomputed a day', { tenantId: task.tenantId, jobId: task.jobId, day: task.day, ...outcome });
  },
  // The job says so, rather than staying "running" for ever; redriving the message later still does the day's work.
  onLastFailure: async (task, error) => {
    if (task) await deps.jobs.fail(task.tenantId, task.jobId, { day: task.day, error: String(error) }, new Date().toISOString());
  },
});
