import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventRules } from '../../shared/events/rules.ts';
import { LocalBus } from './bus.ts';
import { loadHandler, loadModule } from './handlers.ts';
import { createLocalServer, type LocalServerOptions } from './server.ts';
import { LocalStreamPoller, MAX_BATCH_RETRIES } from './stream-poller.ts';
import { localDynamoDbClient } from './table.ts';
import { makePublishHandler } from '../../shared/adapters/eventbridge/stream-publisher.ts';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { defaultDeadLetterFile, streamRecordLetter } from './dead-letter-file.ts';

export interface LocalRuntime {
  server: Server;
  bus: LocalBus;
  /** Absent when started without a DynamoDB endpoint. */
  stream?: LocalStreamPoller;
  url: string;
  close(): Promise<void>;
}

/**
 * The HTTP server and the in-process bus, wired to the handler modules.
 * The caller sets TABLE_NAME and DYNAMODB_ENDPOINT first: handlers read
 * their configuration when they are first loaded, as on a cold start.
 */
export async function startLocalRuntime(options: {
  port: number;
  host?: string;
  onInvoke?: LocalServerOptions['onInvoke'];
  /** With these, the table's stream feeds the bus as on AWS. */
  dynamodbEndpoint?: string;
  tableName?: string;
  /** Where failed deliveries are kept; `.data/dead-letters.ndjson` unless given. */
  deadLetterFile?: string;
}): Promise<LocalRuntime> {
  const bus = new LocalBus({ rules: eventRules, loadHandler, deadLetterFile: options.deadLetterFile ?? defaultDeadLetterFile });
  let stream: LocalStreamPoller | undefined;
  let admin: DynamoDBClient | undefined;
  if (options.dynamodbEndpoint && options.tableName) {
    admin = localDynamoDbClient(options.dynamodbEndpoint);
    // A batch that kept failing is kept with its records, so `npm run dead-letters -- redrive` can derive its events again.
    stream = LocalStreamPoller.forEndpoint(admin, options.dynamodbEndpoint, options.tableName, makePublishHandler(bus.asPublisher()), (event, error) =>
      bus.recordDeadLetter({
        kind: 'stream',
        rule: 'table-stream',
        target: 'publish-events',
        records: event.Records.map(streamRecordLetter),
        recordCount: event.Records.length,
        error,
        attempts: MAX_BATCH_RETRIES + 1,
      }),
    );
    await stream.start();
  }
  const server = createLocalServer({ loadHandler, loadModule, ...(options.onInvoke ? { onInvoke: options.onInvoke } : {}) });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    bus,
    ...(stream ? { stream } : {}),
    url: `http://${host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      stream?.stop();
      await bus.drain();
      admin?.destroy();
    },
  };
}
