import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLettersProgram } from '../../scripts/dead-letters/program.ts';
import { appendDeadLetter, type DeadLetter, readDeadLetters, stampLetter } from '../../scripts/local/dead-letter-file.ts';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';
import { stores } from '../../shared/adapters/dynamodb/stores.ts';
import { DynamoTenantStore } from '../../shared/adapters/dynamodb/tenant-store.ts';
import { config } from '../../shared/config.ts';
import { transactionFromInput } from '../../shared/recording/transactions.ts';
import { storeTransaction } from '../../shared/recording/use-cases.ts';
import { createTenant } from '../../shared/tenants/use-cases.ts';
import { runProgram } from '../support/process.ts';

const root = join(import.meta.dirname, '..', '..');
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-dead-letters-'));
  await createTenant(new DynamoTenantStore(documentClient(), config().TABLE_NAME), { tenantId: 'acme', currency: 'USD', timezone: 'UTC' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * `npm run dead-letters -- <args>` as a process, on this file's table (TABLE_NAME and DYNAMODB_ENDPOINT of the test setup): for a
 * redrive racing another process's appends. The program runs in this process otherwise (runProgram).
 */
function deadLetters(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dead-letters.ts', ...args], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

/** A batch of the table's stream the projector kept failing on: one order's record. */
function projectorBatch(tenantId: string, transactionId: string, customerId: string): DeadLetter {
  return stampLetter({
    kind: 'stream',
    rule: 'project',
    target: 'project',
    recordCount: 1,
    error: 'the batch failed 11 times, from sequence number 1000',
    attempts: 11,
    records: [
      {
        eventID: `stream-${transactionId}`,
        eventName: 'INSERT',
        dynamodb: { SequenceNumber: '1000', NewImage: marshall({ entity: 'transaction', tenantId, transactionId, kind: 'order', identifiers: [`c:${customerId}`] }) },
      },
    ],
  });
}

/** A recompute task its function failed on every receive: here one that is not a task at all. */
function brokenTask(n: number): DeadLetter {
  return stampLetter({ kind: 'queue', rule: 'recompute', target: 'recompute-day', body: `not a task ${n}`, error: 'SyntaxError', attempts: 3 });
}

/** A publisher batch: its events go to the bus's rules (none in Baton itself), so redriving it always succeeds. */
function publisherBatch(n: number): DeadLetter {
  return stampLetter({
    kind: 'stream',
    rule: 'publish-events',
    target: 'publish-events',
    recordCount: 1,
    error: 'the batch failed 11 times',
    attempts: 11,
    records: [
      {
        eventID: `p-${n}`,
        eventName: 'INSERT',
        dynamodb: {
          SequenceNumber: String(n),
          NewImage: marshall({ entity: 'touch', tenantId: 'acme', touchId: `t-${n}`, side: 'marketing', occurredAt: '2026-11-01T11:00:00.000Z', identifiers: [`a:t-${n}`] }),
        },
      },
    ],
  });
}

describe('npm run dead-letters on the local file, with the real handlers and DynamoDB Local', () => {
  it('gives a projector batch to the projector again, keeps the letter that fails, and changes nothing the second time', async () => {
    const deps = stores();
    await storeTransaction(
      deps,
      (await deps.tenants.getTenant('acme'))!,
      transactionFromInput(
        {
          transactionId: 'dl-order',
          kind: 'order',
          occurredAt: '2026-11-01T10:00:00Z',
          person: { customerId: 'dl-buyer' },
          currency: 'USD',
          gross: '12.00',
          discount: '0',
          tax: '0',
          shipping: '0',
          salesChannel: 'online_store',
        },
        'api',
        new Date().toISOString(),
      ),
    );
    expect(await deps.projections.getAttribution('acme', 'dl-order')).toBeUndefined();
    const file = join(dir, 'redrive.ndjson');
    const batch = projectorBatch('acme', 'dl-order', 'dl-buyer');
    const broken = brokenTask(1);
    for (const letter of [batch, broken]) appendDeadLetter(file, letter);

    const listed = await runProgram(deadLettersProgram, ['list', '--file', file, '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).map((row: { id: string; detailType: string; tenant: string }) => [row.id, row.detailType, row.tenant])).toEqual([
      [batch.id, '1 stream records', 'acme'],
      [broken.id, 'recompute message', ''],
    ]);

    const first = await runProgram(deadLettersProgram, ['redrive', '--file', file, '--json']);
    expect(first.code, first.stderr).toBe(1);
    expect(JSON.parse(first.stdout)).toEqual([
      { id: batch.id, ok: true, message: '1 records delivered to project' },
      { id: broken.id, ok: false, message: 'recompute-day reported the message as failed again' },
    ]);
    expect(first.stderr).toContain('Some letters could not be redriven');
    expect(readDeadLetters(file).letters).toEqual([{ ...broken, attempts: 4, error: 'recompute-day reported the message as failed again' }]);
    // The projector did its work: the order is attributed.
    expect((await deps.projections.getAttribution('acme', 'dl-order'))?.result.revenue).toBe(1200);

    const second = await runProgram(deadLettersProgram, ['redrive', '--file', file, '--json']);
    expect(JSON.parse(second.stdout).map((outcome: { id: string }) => outcome.id)).toEqual([broken.id]);
    expect(readDeadLetters(file).letters).toEqual([expect.objectContaining({ id: broken.id, attempts: 5 })]);
  }, 60_000);

  it('does not lose letters appended (as by a running npm start) while a redrive runs', async () => {
    const file = join(dir, 'concurrent.ndjson');
    for (let i = 0; i < 20; i += 1) appendDeadLetter(file, publisherBatch(i));
    const { child, done } = deadLetters(['redrive', '--file', file]);
    let running = true;
    void done.then(() => (running = false));
    const appended: string[] = [];
    while (running) {
      const letter = brokenTask(appended.length);
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
    appendDeadLetter(file, brokenTask(9));
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
