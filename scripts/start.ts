/**
 * `npm start`: DynamoDB Local, the table, and the API on PORT (default 3000).
 * `npm start -- --in-memory` keeps nothing between runs.
 */
import './local/quiet-sdk.ts';
import { startDynamoDbLocal } from './local/dynamodb-local.ts';
import { localEnv } from './local/env.ts';
import { ensureTable, localDynamoDbClient } from './local/table.ts';

const env = localEnv();
const inMemory = process.argv.includes('--in-memory');

const dynamodb = await startDynamoDbLocal({ port: env.DYNAMODB_LOCAL_PORT, ...(inMemory ? {} : { dataDir: env.DATA_DIR }) }).catch((error: Error) => {
  console.error(`Could not start DynamoDB Local: ${error.message}`);
  process.exit(1);
});

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the API and DynamoDB Local (pid ${dynamodb.pid})`);
  await runtime?.close().catch(() => undefined);
  await dynamodb.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

process.env.DYNAMODB_ENDPOINT = dynamodb.endpoint;
process.env.TABLE_NAME = env.TABLE_NAME;
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

let runtime: Awaited<ReturnType<typeof import('./local/runtime.ts').startLocalRuntime>> | undefined;
try {
  const admin = localDynamoDbClient(dynamodb.endpoint);
  const outcome = await ensureTable(admin, env.TABLE_NAME);
  admin.destroy();
  const { startLocalRuntime } = await import('./local/runtime.ts');
  runtime = await startLocalRuntime({ port: env.PORT, dynamodbEndpoint: dynamodb.endpoint, tableName: env.TABLE_NAME });
  console.log(
    [
      `Baton is listening on ${runtime.url}`,
      `  DynamoDB Local: ${dynamodb.endpoint} (pid ${dynamodb.pid}, ${inMemory ? 'in memory' : `data in ${env.DATA_DIR}`})`,
      `  table: ${env.TABLE_NAME} (${outcome})`,
      `  try: curl ${runtime.url}/v1/health`,
      `  create a tenant: npm run tenant -- create acme`,
    ].join('\n'),
  );
} catch (error) {
  console.error(`Could not start Baton: ${(error as Error).message}`);
  await dynamodb.stop();
  process.exit(1);
}
