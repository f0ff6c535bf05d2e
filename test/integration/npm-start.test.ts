import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/local/dynamodb-local.ts';

const root = join(import.meta.dirname, '..', '..');

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('serves /v1/health on real DynamoDB Local and stops DynamoDB Local by its PID on SIGTERM', async () => {
    const [port, dynamodbPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--in-memory'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), DYNAMODB_LOCAL_PORT: String(dynamodbPort), TABLE_NAME: 'baton-start-test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    const deadline = Date.now() + 45_000;
    while (!output.includes('listening on') && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 100));
    expect(output).toContain(`listening on http://127.0.0.1:${port}`);
    const pid = Number(/pid (\d+)/.exec(output)?.[1]);
    expect(isRunning(pid)).toBe(true);

    const health = await fetch(`http://127.0.0.1:${port}/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', dynamodb: 'ok' });

    child.kill('SIGTERM');
    await exited;
    const stopDeadline = Date.now() + 10_000;
    while (isRunning(pid) && Date.now() < stopDeadline) await new Promise((wait) => setTimeout(wait, 100));
    expect(isRunning(pid)).toBe(false);
  }, 90_000);
});
