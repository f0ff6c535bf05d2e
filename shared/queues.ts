/**
 * Work queues, declared once: the stack makes an SQS queue per entry (its
 * URL in the named variable of the functions that send, a dead-letter
 * queue after `maxReceiveCount` failed receives, and an event source
 * mapping to the target with at most `maxConcurrency` at once); the local
 * runtime runs an in-process queue that delivers to the same target.
 */
export interface QueueDeclaration {
  name: string;
  /** The consumer: `functions/<target>.ts`. */
  target: string;
  /** The variable that holds the queue's URL for the functions that send to it. */
  urlVariable: string;
  /** Functions that send to it (they get the variable and the grant). */
  senders: readonly string[];
  maxConcurrency: number;
  maxReceiveCount: number;
  /** The target's timeout; the queue's visibility timeout is set above it. */
  timeoutSeconds: number;
}

export const queues: readonly QueueDeclaration[] = [
  // A recompute job's days (and the rest of a day too big for one invocation).
  { name: 'recompute', target: 'recompute-day', urlVariable: 'RECOMPUTE_QUEUE_URL', senders: ['post-recompute', 'recompute-day'], maxConcurrency: 10, maxReceiveCount: 3, timeoutSeconds: 900 },
];
