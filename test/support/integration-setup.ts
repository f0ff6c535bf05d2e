import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { ensureTable, localDynamoDbClient } from '../../scripts/local/table.ts';

// Runs in each test file before its modules load: every file gets a table of
// its own, and handlers read this configuration as on a cold start.
const endpoint = inject('dynamodbEndpoint');
process.env.DYNAMODB_ENDPOINT = endpoint;
process.env.TABLE_NAME = `baton-test-${randomUUID()}`;

const admin = localDynamoDbClient(endpoint);
await ensureTable(admin, process.env.TABLE_NAME);
admin.destroy();
