import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { RecomputeTask, TaskQueue } from '../../jobs/recompute.ts';
import { retrying, TRY_AGAIN } from '../../runtime/retry.ts';

/** SQS SendMessageBatch, ten messages a call; entries SQS reports as failed are sent again under the retry policy. */
export class SqsTaskQueue implements TaskQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(tasks: readonly RecomputeTask[]): Promise<void> {
    for (let start = 0; start < tasks.length; start += 10) {
      let entries = tasks.slice(start, start + 10).map((task, i) => ({ Id: String(i), MessageBody: JSON.stringify(task) }));
      await retrying(
        async () => {
          const { Failed } = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
          const failed = new Set((Failed ?? []).map((entry) => entry.Id));
          entries = entries.filter((entry) => failed.has(entry.Id));
          return entries.length > 0 ? TRY_AGAIN : undefined;
        },
        { what: 'Queueing recompute tasks', retryOn: () => true },
      );
    }
  }
}

/** Where tasks go when no queue URL is configured: the local runtime's in-process queue (scripts/local/queue.ts registers it). */
const inProcess = new Map<string, (bodies: string[]) => void>();

export function registerInProcessQueue(name: string, send: (bodies: string[]) => void): void {
  inProcess.set(name, send);
}

export class InProcessTaskQueue implements TaskQueue {
  constructor(private readonly name: string) {}

  async enqueue(tasks: readonly RecomputeTask[]): Promise<void> {
    const send = inProcess.get(this.name);
    if (!send) throw new Error(`No queue "${this.name}": set its URL, or run under the local runtime`);
    send(tasks.map((task) => JSON.stringify(task)));
  }
}
