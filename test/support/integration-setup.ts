import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, inject } from 'vitest';
import { ensureTable, localDynamoDbClient } from '../../scripts/local/table.ts';

// Runs in each test file before its modules load: the run's DynamoDB Local (global-setup.ts), a table of
// this file's own, and handlers that read this configuration as on a cold start. The table goes when the
// file is done, after the file's own hooks have closed its servers.
const endpoint = inject('dynamodbEndpoint');
process.env.DYNAMODB_ENDPOINT = endpoint;
process.env.TABLE_NAME = `baton-test-${randomUUID().slice(0, 8)}`;
const tableName = process.env.TABLE_NAME;

const admin = localDynamoDbClient(endpoint);
await ensureTable(admin, tableName);

afterAll(async () => {
  await admin.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  admin.destroy();
});
