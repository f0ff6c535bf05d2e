import { afterAll } from 'vitest';
import { startDynamoDbLocal } from '../../scripts/local/dynamodb-local.ts';
import { ensureTable, localDynamoDbClient } from '../../scripts/local/table.ts';

// Runs in each test file before its modules load: every file gets an in-memory DynamoDB Local of its own
// (about 2.5 s to start), stopped by its PID after the file's own hooks have closed its servers, and handlers
// read this configuration as on a cold start. One instance shared by the whole run kept every earlier file's
// data and stream in its heap and slowed down as the run went on (racing transactions the most).
const dynamodb = await startDynamoDbLocal({ shortLived: true });
process.env.DYNAMODB_ENDPOINT = dynamodb.endpoint;
process.env.TABLE_NAME = 'baton-test';

const admin = localDynamoDbClient(dynamodb.endpoint);
await ensureTable(admin, process.env.TABLE_NAME);
admin.destroy();

afterAll(() => dynamodb.stop());
