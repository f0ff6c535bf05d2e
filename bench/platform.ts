import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import { functionBuildOptions } from '../infra/constructs/bundling.ts';
import { projectRoot } from '../scripts/local/dynamodb-local.ts';
import { eventRules } from '../shared/events/rules.ts';
import { streamConsumers } from '../shared/events/stream-consumers.ts';
import { queues } from '../shared/queues.ts';
import { routeHandlers } from '../shared/routes.ts';
import { ms, ratio, sideBySide, stats } from './lib.ts';
import type { BenchContext } from './run.ts';

/** Issue 2: requests per call, the cost of the HTTP path over a bare read, and cold-start proxies. */
export async function platformBench(ctx: BenchContext): Promise<string> {
  const lines: string[] = ['## Platform', ''];

  ctx.counter.reset();
  await ctx.call('GET', '/v1/health');
  const health = ctx.counter.describe();
  ctx.counter.reset();
  await ctx.call('GET', '/v1/config', { key: ctx.tenant.keys.admin });
  const authorised = ctx.counter.describe();
  lines.push(
    '| request | DynamoDB requests |',
    '|---|---|',
    `| GET /v1/health | ${health} |`,
    `| GET /v1/config, the key's first request (authorizer + handler) | ${authorised} |`,
    '',
    'API Gateway keeps the authorizer’s answer for 5 minutes per key, and so does the local server: a warm key costs the handler’s read only (the rounds below).',
    '',
  );

  const rounds = ctx.quick ? 100 : 400;
  const results = await sideBySide(
    {
      http: () => ctx.call('GET', '/v1/config', { key: ctx.tenant.keys.admin }),
      getItem: () => ctx.bareClient.send(new GetCommand({ TableName: ctx.tableName, Key: { pk: `TENANT#${ctx.tenant.tenantId}`, sk: 'TENANT' } })),
    },
    rounds,
  );
  const { http, getItem } = results as { http: ReturnType<typeof stats>; getItem: ReturnType<typeof stats> };
  lines.push(
    `Authorised \`GET /v1/config\` through the local server vs a bare \`GetItem\` on the same DynamoDB Local, interleaved, ${rounds} rounds after 30 warm-up rounds:`,
    '',
    '| | median | p99 |',
    '|---|---|---|',
    `| HTTP (server + the authorizer's kept answer + handler) | ${ms(http.median)} | ${ms(http.p99)} |`,
    `| bare GetItem | ${ms(getItem.median)} | ${ms(getItem.p99)} |`,
    `| ratio | ${ratio(http.median, getItem.median)} | ${ratio(http.p99, getItem.p99)} |`,
    '',
  );

  lines.push(
    'Cold-start proxies: each function bundled as the stack bundles it (ESM, minified, SDK bundled) and, for comparison, with the AWS SDK external; import time is the median of 5 fresh `node` processes importing the bundle (Node 20 here; Lambda runs 22).',
    '',
    '| function | bundle (SDK bundled) | import | bundle (SDK external) | import |',
    '|---|---|---|---|---|',
  );
  const outDir = join(projectRoot, 'bench', '.tmp');
  const handlers = [
    ...new Set([...routeHandlers(), 'authorizer', ...streamConsumers.map((consumer) => consumer.target), ...queues.map((queue) => queue.target), ...eventRules.map((rule) => rule.target)]),
  ].sort();
  for (const handler of handlers) {
    const cells: string[] = [];
    for (const external of [false, true]) {
      const outfile = join(outDir, external ? 'external' : 'bundled', handler, 'index.mjs');
      mkdirSync(join(outfile, '..'), { recursive: true });
      await build({
        ...functionBuildOptions({ external }),
        entryPoints: [join(projectRoot, 'functions', `${handler}.ts`)],
        outfile,
        logLevel: 'silent',
      });
      cells.push(`${(statSync(outfile).size / 1024).toFixed(0)} KiB`, ms(importTime(outfile)));
    }
    lines.push(`| ${handler} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines.join('\n');
}

function importTime(file: string): number {
  const samples: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const probe = spawnSync(process.execPath, ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`], {
      encoding: 'utf8',
      env: {
        ...process.env,
        // What the stack gives every function: some read their resources' names when loaded.
        TABLE_NAME: 'bench',
        EVENT_BUS_NAME: 'bench',
        RECOMPUTE_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench',
        AWS_REGION: 'us-east-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    if (probe.status !== 0) throw new Error(`importing ${file} failed: ${probe.stderr.slice(-1500)}`);
    samples.push(Number(probe.stdout.trim()));
  }
  return stats(samples).median;
}
