import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, TEST_JAVA_OPTIONS } from '../../scripts/local/dynamodb-local.ts';
import { procStat } from '../../scripts/local/proc-stat.ts';

const root = join(import.meta.dirname, '..', '..');

/** Alive and not a zombie: an orphan that exited may wait a moment for init to reap it. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!process.platform.startsWith('linux')) return true;
  const state = procStat(pid)?.state;
  return state !== undefined && !['Z', 'X'].includes(state);
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 50));
  return condition();
}

interface Started {
  child: ChildProcess;
  /** The process `npm start` serves from. */
  node: number;
  java: number;
  port: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm start -- --in-memory` (or its node command without npm) on free ports, once it listens. */
async function start(via: 'npm' | 'node'): Promise<Started> {
  const [port, dynamodbPort] = [await freePort(), await freePort()];
  const [command, args] = via === 'npm' ? ['npm', ['start', '--', '--in-memory']] : [process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--in-memory']];
  const child = spawn(command as string, args as string[], {
    cwd: root,
    // Java lives seconds here: started as the test instances are (TEST_JAVA_OPTIONS; "Picked up JAVA_TOOL_OPTIONS" stays in Java's own stderr).
    env: {
      ...process.env,
      PORT: String(port),
      DYNAMODB_LOCAL_PORT: String(dynamodbPort),
      TABLE_NAME: 'baton-start-test',
      JAVA_TOOL_OPTIONS: TEST_JAVA_OPTIONS.join(' '),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await until(() => output.includes('listening on') || child.exitCode !== null, 60_000);
  expect(output).toContain(`listening on http://127.0.0.1:${port}`);
  const node = Number(/listening on \S+ \(pid (\d+)\)/.exec(output)?.[1]);
  const java = Number(/DynamoDB Local: \S+ \(pid (\d+)/.exec(output)?.[1]);
  expect(isRunning(node)).toBe(true);
  expect(isRunning(java)).toBe(true);
  if (via === 'node') expect(node).toBe(child.pid);
  return { child, node, java, port, output: () => output, exited };
}

async function healthy(port: number): Promise<void> {
  const health = await fetch(`http://127.0.0.1:${port}/v1/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok', dynamodb: 'ok' });
}

// Each case starts its own Java: they run side by side to keep the file quick.
describe.concurrent('npm start goes down as a whole, whichever process gets the signal', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
    '%s to npm: node closes the API and stops Java by its PID',
    async (signal) => {
      const baton = await start('npm');
      await healthy(baton.port);

      process.kill(baton.child.pid!, signal);
      expect(await until(() => !isRunning(baton.node) && !isRunning(baton.java), 10_000)).toBe(true);
      await baton.exited;
      expect(baton.output()).toContain(`stopping the API and DynamoDB Local (pid ${baton.java})`);
      expect(baton.output()).not.toContain('stopped on its own');
      await expect(fetch(`http://127.0.0.1:${baton.port}/v1/health`)).rejects.toThrow();
    },
    90_000,
  );

  it('SIGTERM to node: exit code 0, Java stopped by its PID', async () => {
    const baton = await start('node');
    await healthy(baton.port);

    process.kill(baton.node, 'SIGTERM');
    expect(await baton.exited).toEqual({ code: 0, signal: null });
    expect(await until(() => !isRunning(baton.java), 10_000)).toBe(true);
    expect(baton.output()).toContain(`SIGTERM: stopping the API and DynamoDB Local (pid ${baton.java})`);
  }, 90_000);

  it('SIGKILL to node: Java does not survive it', async () => {
    const baton = await start('npm');

    process.kill(baton.node, 'SIGKILL');
    expect(await until(() => !isRunning(baton.java), 8_000)).toBe(true);
    expect((await baton.exited).code).not.toBe(0);
  }, 90_000);

  it('SIGTERM to Java: node closes the API and exits non-zero, saying why', async () => {
    const baton = await start('npm');

    process.kill(baton.java, 'SIGTERM');
    expect(await until(() => !isRunning(baton.node), 10_000)).toBe(true);
    expect((await baton.exited).code).toBe(1);
    expect(baton.output()).toContain(`DynamoDB Local (pid ${baton.java}) stopped on its own`);
    await expect(fetch(`http://127.0.0.1:${baton.port}/v1/health`)).rejects.toThrow();
  }, 90_000);
});

/** PIDs of the DynamoDB Local processes started with `-port <port>` (from /proc). */
function dynamodbLocalsOnPort(port: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return args.some((arg) => arg.endsWith('DynamoDBLocal.jar')) && args[args.indexOf('-port') + 1] === String(port);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

describe('npm start when another process holds the DynamoDB Local port', () => {
  it('exits 1 naming the port, and leaves no Java behind (instead of using whatever answers there)', async () => {
    const holder = createServer();
    await new Promise<void>((listening) => holder.listen(0, listening));
    const dynamodbPort = (holder.address() as AddressInfo).port;
    try {
      const child = spawn('npm', ['start', '--', '--in-memory'], {
        cwd: root,
        env: { ...process.env, PORT: String(await freePort()), DYNAMODB_LOCAL_PORT: String(dynamodbPort), JAVA_TOOL_OPTIONS: TEST_JAVA_OPTIONS.join(' ') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((exited) => child.once('exit', exited));

      expect(code).toBe(1);
      expect(output).toContain(`Could not start DynamoDB Local: port ${dynamodbPort} is taken by another process (set DYNAMODB_LOCAL_PORT to a free port)`);
      expect(output).not.toContain('listening on');
      expect(await until(() => dynamodbLocalsOnPort(dynamodbPort).length === 0, 5_000)).toBe(true);
    } finally {
      holder.close();
    }
  }, 90_000);
});
