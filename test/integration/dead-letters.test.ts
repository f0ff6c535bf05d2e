import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendDeadLetter, readDeadLetters, stampLetter, type DeadLetter } from '../../scripts/local/dead-letter-file.ts';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';
import { DynamoTenantStore } from '../../shared/adapters/dynamodb/tenant-store.ts';
import { config } from '../../shared/config.ts';
import { createTenant } from '../../shared/tenants/use-cases.ts';

const root = join(import.meta.dirname, '..', '..');
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-dead-letters-'));
  await createTenant(new DynamoTenantStore(documentClient(), config().TABLE_NAME), { tenantId: 'acme', currency: 'USD', timezone: 'UTC' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npm run dead-letters -- <args>` on this file's table (TABLE_NAME and DYNAMODB_ENDPOINT of the test setup). */
function deadLetters(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dead-letters.ts', ...args], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

function touchEvent(tenantId: string, touchId: string): DeadLetter {
  return stampLetter({
    kind: 'event',
    rule: 'attribute',
    target: 'attribute',
    error: 'StoreUnavailableError: The data store is busy',
    attempts: 3,
    event: { id: `event-${touchId}`, source: 'baton', time: '2026-11-01T10:00:00Z', 'detail-type': 'TouchRecorded', detail: { tenantId, touchId, side: 'marketing', occurredAt: '2026-11-01T10:00:00Z', identifiers: [`a:${touchId}`] } },
  });
}

describe('npm run dead-letters on the local file, with the real handlers and DynamoDB Local', () => {
  it('redrives event and stream letters to the attribute handler, keeps the one that fails, and changes nothing the second time', async () => {
    const file = join(dir, 'redrive.ndjson');
    const good = touchEvent('acme', 't-1');
    const ghost = touchEvent('ghost', 't-2');
    const batch = stampLetter({
      kind: 'stream',
      rule: 'table-stream',
      target: 'publish-events',
      recordCount: 1,
      error: 'publishing its events failed 11 times',
      attempts: 11,
      records: [
        {
          eventID: 'stream-1',
          eventName: 'INSERT',
          dynamodb: { SequenceNumber: '1000', NewImage: marshall({ entity: 'touch', tenantId: 'acme', touchId: 't-3', side: 'marketing', occurredAt: '2026-11-01T11:00:00.000Z', identifiers: ['a:t-3'] }) },
        },
      ],
    });
    for (const letter of [good, ghost, batch]) appendDeadLetter(file, letter);

    const listed = await deadLetters(['list', '--file', file, '--json']).done;
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).map((row: { id: string; detailType: string; tenant: string }) => [row.id, row.detailType, row.tenant])).toEqual([
      [good.id, 'TouchRecorded', 'acme'],
      [ghost.id, 'TouchRecorded', 'ghost'],
      [batch.id, 'TouchRecorded', 'acme'],
    ]);

    const first = await deadLetters(['redrive', '--file', file, '--json']).done;
    expect(first.code, first.stderr).toBe(1);
    expect(JSON.parse(first.stdout)).toEqual([
      { id: good.id, ok: true, message: 'TouchRecorded delivered to attribute' },
      { id: ghost.id, ok: false, message: expect.stringContaining('Tenant ghost does not exist') },
      { id: batch.id, ok: true, message: '1 records: TouchRecorded → attribute' },
    ]);
    expect(first.stderr).toContain('Some letters could not be redriven');
    expect(readDeadLetters(file).letters).toEqual([{ ...ghost, attempts: 4, error: expect.stringContaining('Tenant ghost does not exist') }]);

    const second = await deadLetters(['redrive', '--file', file, '--json']).done;
    expect(JSON.parse(second.stdout).map((outcome: { id: string }) => outcome.id)).toEqual([ghost.id]);
    expect(readDeadLetters(file).letters).toEqual([expect.objectContaining({ id: ghost.id, attempts: 5 })]);
  }, 60_000);

  it('does not lose letters appended (as by a running npm start) while a redrive runs', async () => {
    const file = join(dir, 'concurrent.ndjson');
    for (let i = 0; i < 20; i += 1) appendDeadLetter(file, touchEvent('acme', `before-${i}`));
    const { child, done } = deadLetters(['redrive', '--file', file]);
    let running = true;
    void done.then(() => (running = false));
    const appended: string[] = [];
    while (running) {
      const letter = touchEvent('ghost', `during-${appended.length}`);
      appendDeadLetter(file, letter);
      appended.push(letter.id);
      await new Promise((wait) => setTimeout(wait, 10));
    }
    const result = await done;
    expect(child.exitCode, result.stderr).not.toBeNull();
    expect(result.stdout).toMatch(/20 redriven and removed/);

    const left = readDeadLetters(file).letters.map((letter) => letter.id);
    expect(appended.length).toBeGreaterThan(0);
    // Every letter appended during the redrive is there (those it read failed and stay; the later ones were never read).
    expect(left.sort()).toEqual([...appended].sort());
  }, 60_000);

  it('says plainly when DynamoDB Local is not running, and leaves the letters alone', async () => {
    const file = join(dir, 'offline.ndjson');
    appendDeadLetter(file, touchEvent('acme', 't-9'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dead-letters.ts', 'redrive', '--file', file], {
      cwd: root,
      env: { ...process.env, DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('DynamoDB Local is not running at http://127.0.0.1:9. Start Baton first: npm start');
    expect(readDeadLetters(file).letters).toEqual([expect.objectContaining({ attempts: 3 })]);
  }, 30_000);
});
