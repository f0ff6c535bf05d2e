import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, inject } from 'vitest';
import { localDynamoDbClient } from '../../scripts/local/table.ts';
import { deleteKeys } from '../../shared/adapters/dynamodb/query.ts';
import { forgetConfig } from '../../shared/config.ts';
import { tableDefinition } from '../../shared/table.ts';

// Runs before each test file: a DynamoDB Local borrowed from the run's broker (dynamodb-broker.ts), whose one
// table the file finds empty, and this configuration for everything built from it (the client, the stores,
// the functions a runtime loads), though the worker's module graph is shared by its files. When the file is
// done (after its own hooks have closed its servers), it empties the table and gives the instance back.
const broker = inject('dynamodbBroker');
const lease = (await (await fetch(`${broker}/lease`, { method: 'POST' })).json()) as { endpoint?: string; pid?: number; tableName?: string; error?: string };
if (!lease.endpoint || !lease.tableName || !lease.pid) throw new Error(`No DynamoDB Local for this file: ${lease.error}`);
const { endpoint, tableName } = lease;
process.env.DYNAMODB_ENDPOINT = endpoint;
process.env.TABLE_NAME = tableName;
// Java's PID, for the file that pauses its store (store-stall.test.ts) and resumes it before the file ends.
process.env.DYNAMODB_LOCAL_PID = String(lease.pid);
forgetConfig();

const admin = localDynamoDbClient(endpoint);

afterAll(async () => {
  // An instance whose table could not be emptied is not lent again: the broker stops it.
  const emptied = await emptyTable(admin, tableName).then(
    () => true,
    () => false,
  );
  admin.destroy();
  await fetch(`${broker}/release?endpoint=${encodeURIComponent(endpoint)}${emptied ? '' : '&retire=true'}`, { method: 'POST' });
});

/** Deletes every item (a file leaves some tens to a few thousand): the next file on the instance starts from nothing, as on a table of its own. */
async function emptyTable(client: DynamoDBClient, table: string): Promise<void> {
  const documents = DynamoDBDocumentClient.from(client);
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: table,
        Limit: 1_000,
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: { '#pk': tableDefinition.partitionKey, '#sk': tableDefinition.sortKey },
        ExclusiveStartKey,
      }),
    );
    await deleteKeys(documents, table, (page.Items ?? []) as Array<{ pk: string; sk: string }>);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}
