import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { registerInProcessQueue } from '../../shared/adapters/queue/task-queue.ts';
import type { QueueDeclaration } from '../../shared/queues.ts';
import type { NewDeadLetter } from './dead-letter-file.ts';
import type { LambdaHandler } from './handlers.ts';
import { lambdaContext } from './lambda-context.ts';

/** One message as its consumer sees it: the SQS record shape, so the handler is the one the stack runs. */
export function sqsEvent(body: string, messageId: string = randomUUID(), receiveCount = 1): SQSEvent {
  return {
    Records: [
      {
        messageId,
        receiptHandle: messageId,
        body,
        attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: String(Date.now()), SenderId: 'local', ApproximateFirstReceiveTimestamp: String(Date.now()) },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'local',
        awsRegion: 'local',
      },
    ],
  };
}

/**
 * The in-process stand-in for one of `shared/queues.ts`'s SQS queues: what
 * is sent goes to the declared target, at most `maxConcurrency` at once; a
 * message its target fails is received again, up to `maxReceiveCount`
 * times, then kept as a dead letter, as the stack's redrive policy does.
 */
export class LocalQueue {
  private readonly waiting: Array<{ body: string; messageId: string }> = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly declaration: QueueDeclaration,
    private readonly loadHandler: (name: string) => Promise<LambdaHandler>,
    private readonly onDeadLetter: (letter: NewDeadLetter) => void,
  ) {}

  /** Makes `InProcessTaskQueue(<name>)`, which the functions use when no queue URL is set, send here. */
  register(): void {
    registerInProcessQueue(this.declaration.name, (bodies) => this.send(bodies));
  }

  send(bodies: readonly string[]): void {
    for (const body of bodies) this.waiting.push({ body, messageId: randomUUID() });
    this.pump();
  }

  /** Resolves when every message so far, and those their handling sent, has been handled or dead-lettered. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private pump(): void {
    while (this.inFlight.size < this.declaration.maxConcurrency && this.waiting.length > 0) {
      const message = this.waiting.shift()!;
      const delivery = this.deliver(message).finally(() => {
        this.inFlight.delete(delivery);
        this.pump();
      });
      this.inFlight.add(delivery);
    }
  }

  private async deliver({ body, messageId }: { body: string; messageId: string }): Promise<void> {
    const { target, maxReceiveCount, timeoutSeconds } = this.declaration;
    let error = '';
    for (let receive = 1; receive <= maxReceiveCount; receive += 1) {
      try {
        const handler = await this.loadHandler(target);
        const response = (await handler(sqsEvent(body, messageId, receive), lambdaContext(target, messageId, timeoutSeconds * 1000))) as SQSBatchResponse | undefined;
        if (!response?.batchItemFailures?.length) return;
        error = `${target} reported the message as failed`;
      } catch (failure) {
        error = String(failure);
      }
    }
    this.onDeadLetter({ kind: 'queue', rule: this.declaration.name, target, body, error, attempts: maxReceiveCount });
  }
}
