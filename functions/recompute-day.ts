import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { type RecomputeTask, runRecomputeTask } from '#shared/jobs/recompute.ts';
import { logger } from '#shared/observability/logger.ts';
import { queues } from '#shared/queues.ts';

const deps = stores();
const { maxReceiveCount } = queues.find((queue) => queue.target === 'recompute-day')!;

/** The recompute queue's consumer: a day of a job per message; a failure is returned so SQS delivers it again (then dead-letters it). */
export const handler = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const message of event.Records) {
    let task: RecomputeTask | undefined;
    try {
      task = JSON.parse(message.body) as RecomputeTask;
      const outcome = await runRecomputeTask(deps, task, () => context?.getRemainingTimeInMillis() ?? Infinity);
      logger.info('Recomputed a day', { tenantId: task.tenantId, jobId: task.jobId, day: task.day, ...outcome });
    } catch (error) {
      const lastReceive = Number(message.attributes.ApproximateReceiveCount) >= maxReceiveCount;
      logger.error(lastReceive ? 'A recompute task failed its last time; the job fails and the message goes to the dead letters' : 'A recompute task failed; SQS delivers it again', {
        messageId: message.messageId,
        error: error as Error,
      });
      // The job says so, rather than staying "running" for ever; redriving the message later still does the day's work.
      if (lastReceive && task) await deps.jobs.fail(task.tenantId, task.jobId, { day: task.day, error: String(error) }, new Date().toISOString()).catch(() => undefined);
      failures.push({ itemIdentifier: message.messageId });
    }
  }
  return { batchItemFailures: failures };
};
