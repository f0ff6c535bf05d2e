import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, inject } from 'vitest';
import { ensureTable, localDynamoDbClient } from '../../scripts/local/table.ts';
import { forgetConfig } from '../../shared/config.ts';

// Runs before each test file: a DynamoDB Local borrowed from the run's broker (dynamodb-broker.ts), a
// table of this file's own on it, and this configuration for everything built from it (the client, the
// stores, the functions a runtime loads), though the worker's module graph is shared by its files. When
// the file is done (after its own hooks have closed its servers), the table goes and the instance goes back.
const broker = inject('dynamodbBroker');
const lease = (await (await fetch(`${broker}/lease`, { method: 'POST' })).json()) as { endpoint?: string; error?: string };
if (!lease.endpoint) throw new Error(`No DynamoDB Local for this file: ${lease.error}`);
const { endpoint } = lease;
const tableName = `baton-test-${randomUUID().slice(0, 8)}`;
process.env.DYNAMODB_ENDPOINT = endpoint;
process.env.TABLE_NAME = tableName;
forgetConfig();

const admin = localDynamoDbClient(endpoint);
// Without a stream until a file's runtime consumes it (TestApi.start with `events`): see enableStream.
await ensureTable(admin, tableName, { stream: false });

afterAll(async () => {
  await admin.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  admin.destroy();
  await fetch(`${broker}/release?endpoint=${encodeURIComponent(endpoint)}`, { method: 'POST' });
});
