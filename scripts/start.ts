/**
 * `npm start`: DynamoDB Local, the table, and the API on PORT (default 3000).
 * `npm start -- --in-memory` keeps nothing between runs.
 *
 * Goes down as a whole whichever process is stopped: SIGINT, SIGTERM or
 * SIGHUP to node, the same to npm (which reaches node only as "my parent is
 * gone": see local/parent-watch.ts), or DynamoDB Local's Java stopping on its
 * own (then Baton stops too and exits 1, saying so). Java never outlives
 * node, even a node killed with SIGKILL (see WATCHDOG in local/dynamodb-local.ts).
 */
import './local/quiet-sdk.ts';
import { buildTracker } from './build.ts';
import { type DynamoDbLocalExit, startDynamoDbLocal } from './local/dynamodb-local.ts';
import { localEnv } from './local/env.ts';
import { watchParents } from './local/parent-watch.ts';
import { ensureTable, localDynamoDbClient } from './local/table.ts';

// Once the terminal or npm is gone, writing to it may fail: that must not stop the shutdown.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

const env = localEnv();
const inMemory = process.argv.includes('--in-memory');
// GET /v1/baton.js serves the built tracker: build it from the source as it is now.
buildTracker();

const dynamodb = await startDynamoDbLocal({ port: env.DYNAMODB_LOCAL_PORT, ...(inMemory ? {} : { dataDir: env.DATA_DIR }) }).catch((error: Error) => {
  const hint = error.name === 'PortTakenError' ? ` (set DYNAMODB_LOCAL_PORT to a free port)` : '';
  console.error(`Could not start DynamoDB Local: ${error.message}${hint}`);
  process.exit(1);
});

let runtime: Awaited<ReturnType<typeof import('./local/runtime.ts').startLocalRuntime>> | undefined;
let stopping = false;

/** Closes the API (its in-flight work drains, within 5 s), stops Java by its PID, exits with `exitCode`. */
async function stop(reason: string, exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  (exitCode === 0 ? console.log : console.error)(`\n${reason}: stopping the API and DynamoDB Local (pid ${dynamodb.pid})`);
  await Promise.race([runtime?.close().catch(() => undefined), new Promise((wait) => setTimeout(wait, 5_000).unref())]);
  await dynamodb.stop();
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal, 0));
watchParents((why) => void stop(`npm start was stopped (${why})`, 0));
void dynamodb.exited.then((exit) => {
  if (!stopping) void stop(`DynamoDB Local (pid ${dynamodb.pid}) stopped on its own (${describeExit(exit)})`, 1);
});

function describeExit({ code, signal, stderr }: DynamoDbLocalExit): string {
  const how = signal ? `signal ${signal}` : code !== null && code > 128 ? `signal ${code - 128}, exit status ${code}` : `exit status ${code}`;
  const said = stderr.split('\n').slice(-3).join(' | ');
  return said ? `${how}; it said: ${said}` : how;
}

process.env.DYNAMODB_ENDPOINT = dynamodb.endpoint;
process.env.TABLE_NAME = env.TABLE_NAME;
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

try {
  const admin = localDynamoDbClient(dynamodb.endpoint);
  const outcome = await ensureTable(admin, env.TABLE_NAME);
  admin.destroy();
  const { startLocalRuntime } = await import('./local/runtime.ts');
  runtime = await startLocalRuntime({ port: env.PORT, dynamodbEndpoint: dynamodb.endpoint, tableName: env.TABLE_NAME });
  // What EventBridge Scheduler runs on AWS, each minute here: the warehouse export's due windows (docs/warehouse.md), and
  // the rollup sweep (deltas the stream's applier left, added to their cells).
  // Their modules load at the first run, a minute in: not part of starting.
  const everyMinute = (what: string, work: () => Promise<unknown>) =>
    setInterval(() => void work().catch((error: Error) => console.error(`${what} failed (it runs again in a minute): ${error.message}`)), 60_000).unref();
  everyMinute('The warehouse export', async () => (await import('./warehouse/program.ts')).runLocalExport(env.WAREHOUSE_DIR));
  everyMinute('The rollup sweep', async () => (await import('../functions/sweep-rollups.ts')).handler());
  if (stopping) {
    // A signal came while starting: stop() ran before the runtime existed.
    await runtime.close().catch(() => undefined);
  } else {
    console.log(
      [
        `Baton is listening on ${runtime.url} (pid ${process.pid})`,
        `  DynamoDB Local: ${dynamodb.endpoint} (pid ${dynamodb.pid}, ${inMemory ? 'in memory' : `data in ${env.DATA_DIR}`})`,
        `  table: ${env.TABLE_NAME} (${outcome})`,
        `  try: curl ${runtime.url}/v1/health`,
        `  create a tenant: npm run tenant -- create acme`,
        `  failed event deliveries: npm run dead-letters -- list`,
        `  warehouse: ${env.WAREHOUSE_DIR} (npm run -s warehouse -- query "SQL")`,
        `  stop: Ctrl-C`,
      ].join('\n'),
    );
  }
} catch (error) {
  if (!stopping) {
    console.error(`Could not start Baton: ${(error as Error).message}`);
    stopping = true;
    await dynamodb.stop();
    process.exit(1);
  }
}
