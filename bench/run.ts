/**
 * `npm run bench` — measures what the issues ask for, in one run on this
 * machine, and writes bench/RESULTS.md. `npm run bench -- --quick` for a
 * shorter run; `--only=exports` (platform, recording, attribution, warehouse, exports, collect, dashboard, spend, currency, hotspot)
 * for one section, printed but not written. Ratios compare things measured side by side in the same run.
 */
import '../scripts/local/quiet-sdk.ts';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { buildTracker } from '../scripts/build.ts';
import { projectRoot, startDynamoDbLocal } from '../scripts/local/dynamodb-local.ts';
import { ensureTable, localDynamoDbClient } from '../scripts/local/table.ts';
import { createDocumentClient } from '../shared/adapters/dynamodb/client.ts';
import type { CreatedTenant } from '../shared/tenants/use-cases.ts';
import { attributionBench, engineThroughput } from './attribution.ts';
import { collectBench } from './collect.ts';
import { currencyBench } from './currency.ts';
import { dashboardBench } from './dashboard.ts';
import { exportsBench } from './exports.ts';
import { hotspotBench } from './hotspot.ts';
import { RequestCounter } from './lib.ts';
import { platformBench } from './platform.ts';
import { recordingBench } from './recording.ts';
import { spendBench } from './spend.ts';
import { warehouseBench } from './warehouse.ts';

export interface BenchContext {
  quick: boolean;
  tableName: string;
  tenant: CreatedTenant;
  /** Counts the DynamoDB requests of the handlers (the shared client). */
  counter: RequestCounter;
  /** A separate client for baseline operations, not counted. */
  bareClient: DynamoDBDocumentClient;
  call(method: string, path: string, options?: { key?: string; body?: string | Buffer; headers?: Record<string, string> }): Promise<Response>;
  url: string;
  /** The engine throughput lines, measured first, while the machine is quiet. */
  engineThroughput: string[];
  /** DynamoDB Local's Java, whose CPU time a section may read (scripts/local/proc-stat.ts). */
  dynamodbPid: number;
}

const quick = process.argv.includes('--quick');
// The functions serve the built tracker, and its size is one of the figures.
buildTracker();
const { TRACKER_SCRIPT } = await import('../tracker/dist/tracker.generated.ts');
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const engineLines = !only || only === 'attribution' ? engineThroughput(quick) : [];
const dynamodb = await startDynamoDbLocal();
try {
  process.env.DYNAMODB_ENDPOINT = dynamodb.endpoint;
  process.env.TABLE_NAME = 'baton-bench';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const admin = localDynamoDbClient(dynamodb.endpoint);
  await ensureTable(admin, 'baton-bench');
  admin.destroy();

  const { documentClient } = await import('../shared/adapters/dynamodb/client.ts');
  const { DynamoTenantStore } = await import('../shared/adapters/dynamodb/tenant-store.ts');
  const { createTenant } = await import('../shared/tenants/use-cases.ts');
  const { startLocalRuntime } = await import('../scripts/local/runtime.ts');
  const counter = new RequestCounter(documentClient());
  const runtime = await startLocalRuntime({ port: 0 });
  const tenant = await createTenant(new DynamoTenantStore(documentClient(), 'baton-bench'), { tenantId: 'bench', currency: 'USD', timezone: 'UTC' });
  const ctx: BenchContext = {
    quick,
    tableName: 'baton-bench',
    tenant,
    counter,
    bareClient: createDocumentClient({ endpoint: dynamodb.endpoint }),
    url: runtime.url,
    engineThroughput: engineLines,
    dynamodbPid: dynamodb.pid,
    call: async (method, path, options = {}) => {
      const response = await fetch(`${runtime.url}${path}`, {
        method,
        headers: { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}), ...options.headers },
        ...(options.body !== undefined ? { body: options.body } : {}),
      });
      await response.arrayBuffer();
      return response;
    },
  };

  const benches = {
    platform: platformBench,
    // Before the sections that write much: its stream consumer reads the stream from its trim horizon.
    warehouse: warehouseBench,
    recording: recordingBench,
    attribution: attributionBench,
    exports: exportsBench,
    collect: (context: BenchContext) => collectBench(context, TRACKER_SCRIPT),
    dashboard: dashboardBench,
    spend: spendBench,
    currency: currencyBench,
    hotspot: hotspotBench,
  };
  const sections: string[] = [];
  for (const [name, bench] of Object.entries(benches)) if (!only || only === name) sections.push(await bench(ctx));
  await runtime.close();

  const header = [
    '# Benchmark results',
    '',
    `Made by \`npm run bench${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, DynamoDB Local (in memory) on the same machine.`,
    'Absolute times are this machine’s; the ratios are the figures to compare across runs.',
    '',
  ];
  // A partial run (--only=…) prints its section but leaves RESULTS.md to complete runs.
  if (!only) writeFileSync(join(projectRoot, 'bench', 'RESULTS.md'), [...header, ...sections].join('\n'));
  console.log([...header, ...sections].join('\n'));
} finally {
  await dynamodb.stop();
}
