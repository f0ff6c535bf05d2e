import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { buildDashboard } from '../scripts/build.ts';
import { projectRoot } from '../scripts/local/dynamodb-local.ts';
import { launchChromium } from '../test/support/chromium.ts';
import { stats } from './lib.ts';
import type { BenchContext } from './run.ts';

const LOADS = 5;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function run(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with everything the process wrote once it exits 0; rejects with its output otherwise. */
function finished(child: ChildProcess): Promise<string> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`exited ${code}: ${output.slice(-2000)}`)))));
}

/** Resolves once the process has written a line matching `pattern`. */
function said(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms: ${output.slice(-2000)}`)), timeoutMs);
    const listen = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout?.on('data', listen);
    child.stderr?.on('data', listen);
  });
}

/**
 * Issue 12: the dashboard's bundle size, `npm run demo` with a 90-day
 * store of 20 visitors a day (the size its default was before it grew to
 * 13 months) against `npm start` (both as the user runs them, in processes
 * of their own), and the time to the first rendered overview in Chromium
 * with that store.
 */
export async function dashboardBench(ctx: BenchContext): Promise<string> {
  const lines = ['## Dashboard', ''];
  const { files, gzipBytes } = buildDashboard();
  const size = (extension: string) => files.find((file) => file.path.endsWith(extension))!.body.length;
  lines.push(
    `Bundle (preact, uPlot and the dashboard's own code, minified): **${(gzipBytes / 1024).toFixed(1)} KiB gzipped** for script and styles together (script ${(size('.js') / 1024).toFixed(0)} KiB, styles ${(size('.css') / 1024).toFixed(0)} KiB before compression), plus a ${files[0]!.body.length}-byte page.`,
    '',
  );

  // npm start (in memory, on free ports), then npm run demo against it.
  const [port, dynamodbPort] = [await freePort(), await freePort()];
  const env = { PORT: String(port), DYNAMODB_LOCAL_PORT: String(dynamodbPort), TABLE_NAME: 'baton-demo-bench', POWERTOOLS_LOG_LEVEL: 'SILENT' };
  const server = run([join('scripts', 'start.ts'), '--in-memory'], env);
  try {
    await said(server, /Baton is listening on/, 60_000);
    const [days, visitors] = [ctx.quick ? 30 : 90, 20];
    // This process's DYNAMODB_ENDPOINT is the bench's own DynamoDB Local: the demo goes to npm start's.
    const demo = await finished(
      run([join('scripts', 'demo.ts'), '--days', String(days), '--visitors', String(visitors)], {
        ...env,
        BATON_URL: `http://127.0.0.1:${port}`,
        DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamodbPort}`,
      }),
    );
    const records = Number(/with \d+ days of a store \(([\d,]+) records\)/.exec(demo)?.[1]?.replace(/,/g, ''));
    const seconds = Number(/Done in ([\d.]+) s/.exec(demo)?.[1]);
    const tenant = JSON.parse(demo.slice(demo.indexOf('{'))) as { tenantId: string; keys: { marketing: string } };
    lines.push(
      `\`npm run demo -- --days ${days} --visitors ${visitors}\` (${days} days, ${visitors} visitors a day on average) against \`npm start\` on this machine, each in its own process: **${records.toLocaleString('en-US')} records in ${seconds.toFixed(1)} s, ${Math.round(records / seconds)} records a second**, from the first request to the moment the reports had caught up (the report's revenue equals the export summary's, the funnel and the handoff stand still).`,
      '',
    );

    // The key goes where sign-in puts it (sessionStorage), so each load measures the page, not typing.
    const browser = await launchChromium();
    const samples: number[] = [];
    try {
      for (let load = 0; load < LOADS; load += 1) {
        const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
        await context.addInitScript(`sessionStorage.setItem('baton.dashboard.key', ${JSON.stringify(tenant.keys.marketing)})`);
        const page = await context.newPage();
        const started = performance.now();
        await page.goto(`http://127.0.0.1:${port}/#/overview`);
        await page.waitForSelector('[data-figure=revenue] .kpi-value');
        await page.waitForSelector('table[data-table=overview-days] tbody tr');
        await page.waitForSelector('.chart canvas');
        samples.push(performance.now() - started);
        await context.close();
      }
    } finally {
      await browser.close();
    }
    const warm = stats(samples.slice(1));
    lines.push(
      `First rendered overview in Chromium (Debian's, headless, 1366×900) with that store, last 30 days: from navigation to the figures, the day table and both charts drawn (the page, its assets, \`GET /v1/me\` and two reports) — **first load ${samples[0]!.toFixed(0)} ms** (the server builds the bundle on its first request), then median ${warm.median.toFixed(0)} ms over ${LOADS - 1} more loads, each in a fresh browser context.`,
      '',
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('close', resolve));
  }
  return lines.join('\n');
}
