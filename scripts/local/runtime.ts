import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { eventRules } from '../../shared/events/rules.ts';
import { streamConsumers } from '../../shared/events/stream-consumers.ts';
import { makePublishHandler } from '../../shared/events/stream-publisher.ts';
import { queues } from '../../shared/queues.ts';
import { LocalBus } from './bus.ts';
import { defaultDeadLetterFile, streamRecordLetter } from './dead-letter-file.ts';
import { functionLoader } from './handlers.ts';
import { lambdaContext } from './lambda-context.ts';
import { LocalQueue } from './queue.ts';
import { createLocalServer, type LocalServerOptions } from './server.ts';
import { LocalStreamPoller, MAX_BATCH_RETRIES } from './stream-poller.ts';
import { localDynamoDbClient } from './table.ts';

export interface LocalRuntime {
  server: Server;
  bus: LocalBus;
  /** The table stream's reader, for all its consumers; none when started without a DynamoDB endpoint. */
  poller: LocalStreamPoller | undefined;
  queues: LocalQueue[];
  url: string;
  /** Until every write so far has reached its stream consumers, and every event and queue message they caused has been handled. */
  settle(): Promise<void>;
  /** Runs `work` with the stream consumers paused (what it writes reaches them afterwards), so a test can count its requests alone. */
  withConsumersPaused<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The HTTP server, the table stream's consumers, the in-process bus and
 * queues, wired to the handler modules as the stack wires them on AWS.
 * The caller sets TABLE_NAME and DYNAMODB_ENDPOINT first: handlers read
 * their configuration when they are first loaded, as on a cold start.
 */
export async function startLocalRuntime(options: {
  port: number;
  host?: string;
  onInvoke?: LocalServerOptions['onInvoke'];
  /** With these, the table's stream feeds its consumers as on AWS. */
  dynamodbEndpoint?: string;
  tableName?: string;
  /** Where failed deliveries are kept; `.data/dead-letters.ndjson` unless given. */
  deadLetterFile?: string;
  /** The stream consumers to run (by name); all of them unless given. */
  streamConsumers?: readonly string[];
  /** Where the consumers start reading the stream (LocalStreamPoller's `startingPosition`). */
  streamStartingPosition?: 'TRIM_HORIZON' | 'LATEST';
}): Promise<LocalRuntime> {
  const { loadHandler, loadModule } = functionLoader();
  const bus = new LocalBus({ rules: eventRules, loadHandler, deadLetterFile: options.deadLetterFile ?? defaultDeadLetterFile });
  const localQueues = queues.map((declaration) => new LocalQueue(declaration, loadHandler, (letter) => bus.recordDeadLetter(letter)));
  for (const queue of localQueues) queue.register();

  let poller: LocalStreamPoller | undefined;
  let admin: DynamoDBClient | undefined;
  if (options.dynamodbEndpoint && options.tableName) {
    admin = localDynamoDbClient(options.dynamodbEndpoint);
    const publish = makePublishHandler(bus.asPublisher());
    const consumers = streamConsumers
      .filter((one) => !options.streamConsumers || options.streamConsumers.includes(one.name))
      .map((consumer) => ({
        entities: consumer.entities,
        // The publisher needs this process's bus; the other consumers are their function modules, as deployed.
        handler:
          consumer.target === 'publish-events'
            ? publish
            : async (event: Parameters<typeof publish>[0]) => (await loadHandler(consumer.target))(event, lambdaContext(consumer.target, undefined, 900_000)),
        // A batch that kept failing is kept with its records, so `npm run dead-letters -- redrive` can run it again.
        onDeadBatch: (event: Parameters<typeof publish>[0], error: string) =>
          bus.recordDeadLetter({
            kind: 'stream',
            rule: consumer.name,
            target: consumer.target,
            records: event.Records.map(streamRecordLetter),
            recordCount: event.Records.length,
            error,
            attempts: MAX_BATCH_RETRIES + 1,
          }),
      }));
    poller = LocalStreamPoller.forEndpoint(options.dynamodbEndpoint, {
      dynamodb: admin,
      tableName: options.tableName,
      consumers,
      ...(options.streamStartingPosition ? { startingPosition: options.streamStartingPosition } : {}),
    });
    await poller.start();
  }
  const server = createLocalServer({ loadHandler, loadModule, ...(options.onInvoke ? { onInvoke: options.onInvoke } : {}) });
  // A request that may have written (no GET or HEAD route writes): once it is answered, the consumers look at
  // the stream at once rather than at their idle pace.
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    response.once('finish', () => poller?.nudge());
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const settle = async () => {
    if (!poller) throw new Error('settle() needs the table stream: start the runtime with dynamodbEndpoint and tableName');
    // Consumers write (projections, jobs' progress) and queue work that writes again: go round until a round finds nothing new.
    for (let round = 0; round < 20; round += 1) {
      const read = await poller.drainStream();
      await bus.drain();
      await Promise.all(localQueues.map((queue) => queue.drain()));
      if (read === 0 && round > 0) return;
    }
  };
  return {
    server,
    bus,
    poller,
    queues: localQueues,
    url: `http://${host}:${port}`,
    settle,
    withConsumersPaused: async (work) => {
      poller?.stop();
      await poller?.idle();
      try {
        return await work();
      } finally {
        await poller?.start();
      }
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      poller?.stop();
      await bus.drain();
      await Promise.all(localQueues.map((queue) => queue.drain()));
      admin?.destroy();
    },
  };
}
