import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { PROBE_KEY } from './entities/entity.ts';

/** One data-plane read of a key that never exists: proves the table answers. */
export async function pingTable(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  await client.send(new GetCommand({ TableName: tableName, Key: PROBE_KEY }));
}
