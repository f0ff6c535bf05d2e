import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listFile, redriveFile, UnknownLetterError } from '../../scripts/dead-letters/file-mode.ts';
import { LocalBus } from '../../scripts/local/bus.ts';
import { appendDeadLetter, readDeadLetters, rewriteDeadLetters, type StreamRecordLetter, stampLetter } from '../../scripts/local/dead-letter-file.ts';
import type { LambdaHandler } from '../../scripts/local/handlers.ts';
import type { EventRule } from '../../shared/events/rules.ts';

const root = join(import.meta.dirname, '..', '..');
const rules: EventRule[] = [
  { name: 'attribute', detailTypes: ['TransactionRecorded', 'TouchRecorded'], target: 'attribute' },
  { name: 'audit', detailTypes: ['TransactionRecorded'], target: 'audit' },
];

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-dead-letters-'));
  file = join(dir, 'dead-letters.ndjson');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Handlers by target name; each call is recorded. */
function handlers(table: Record<string, LambdaHandler>) {
  const calls: Array<{ target: string; event: { 'detail-type': string; detail: Record<string, unknown> } }> = [];
  const loadHandler = async (name: string): Promise<LambdaHandler> => {
    const handler = table[name];
    if (!handler) throw new Error(`functions/${name}.ts does not exist`);
    return async (event, context) => {
      calls.push({ target: name, event });
      return handler(event, context);
    };
  };
  return { calls, loadHandler };
}

const failing =
  (message: string): LambdaHandler =>
  async () => {
    throw new Error(message);
  };
const working: LambdaHandler = async () => ({ ok: true });

/** A bus whose `attribute` target fails for tenant "broken", writing its letters to `file`. */
async function lettersFromBus(events: Array<{ type: 'TransactionRecorded' | 'TouchRecorded'; tenantId: string; id: string }>): Promise<LocalBus> {
  const bus = new LocalBus({
    rules: [rules[0]!],
    deadLetterFile: file,
    maxAttempts: 2,
    loadHandler: async () => async (event: { detail: { tenantId: string } }) => {
      throw new Error(`tenant ${event.detail.tenantId} is not there yet`);
    },
  });
  bus.publish(events.map((event) => ({ 'detail-type': event.type, detail: { tenantId: event.tenantId, transactionId: event.id, touchId: event.id } })));
  await bus.drain();
  return bus;
}

function touchRecord(sequence: string, tenantId: string, touchId: string): StreamRecordLetter {
  return {
    eventID: `event-${sequence}`,
    eventName: 'INSERT',
    dynamodb: {
      SequenceNumber: sequence,
      NewImage: marshall({ entity: 'touch', tenantId, touchId, side: 'marketing', occurredAt: '2026-11-01T10:00:00.000Z', identifiers: ['a:cookie'] }),
    },
  };
}

describe('dead letters of the local bus', () => {
  it('are written with an id, a time and the event, and listed', async () => {
    const bus = await lettersFromBus([
      { type: 'TransactionRecorded', tenantId: 'acme', id: 'o-1' },
      { type: 'TouchRecorded', tenantId: 'beta', id: 't-1' },
    ]);
    const { letters } = readDeadLetters(file);
    expect(letters).toHaveLength(2);
    expect(letters.map((letter) => letter.id)).toEqual(bus.deadLetters.map((letter) => letter.id));
    for (const letter of letters) {
      expect(letter).toMatchObject({ kind: 'event', rule: 'attribute', target: 'attribute', attempts: 2, error: expect.stringContaining('is not there yet') });
      expect(letter.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.parse(letter.at)).toBeGreaterThan(Date.now() - 60_000);
    }
    const { rows } = listFile(file);
    expect(rows.map((row) => [row.detailType, row.tenant, row.rule, row.target, row.attempts])).toEqual([
      ['TransactionRecorded', 'acme', 'attribute', 'attribute', 2],
      ['TouchRecorded', 'beta', 'attribute', 'attribute', 2],
    ]);
  });

  it('redrive delivers each event letter to its target, removes those that succeed and keeps the others with one more attempt and the new error', async () => {
    await lettersFromBus([
      { type: 'TransactionRecorded', tenantId: 'acme', id: 'o-1' },
      { type: 'TransactionRecorded', tenantId: 'broken', id: 'o-2' },
    ]);
    const { calls, loadHandler } = handlers({
      attribute: async (event: { detail: { tenantId: string } }) => {
        if (event.detail.tenantId === 'broken') throw new Error('still broken');
        return { attributed: 1 };
      },
    });
    const outcomes = await redriveFile({ file, rules, loadHandler });
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false]);
    // To the letter's own target only (not to the `audit` rule, which never failed).
    expect(calls.map((call) => [call.target, call.event['detail-type'], call.event.detail.transactionId])).toEqual([
      ['attribute', 'TransactionRecorded', 'o-1'],
      ['attribute', 'TransactionRecorded', 'o-2'],
    ]);
    expect(calls[0]!.event).toMatchObject({ source: 'baton', version: '0', id: expect.any(String), time: expect.any(String) });

    const { letters } = readDeadLetters(file);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ id: outcomes[1]!.id, attempts: 3, error: 'still broken', event: { detail: { tenantId: 'broken' } } });
  });

  it('redriving twice changes nothing: a redriven letter is gone', async () => {
    await lettersFromBus([{ type: 'TouchRecorded', tenantId: 'acme', id: 't-1' }]);
    const { calls, loadHandler } = handlers({ attribute: working });
    expect((await redriveFile({ file, rules, loadHandler })).map((outcome) => outcome.ok)).toEqual([true]);
    expect(await redriveFile({ file, rules, loadHandler })).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(readDeadLetters(file).letters).toEqual([]);
  });

  it('redrives only the letters --id names (a unique prefix will do) and refuses an id it does not know', async () => {
    await lettersFromBus([
      { type: 'TouchRecorded', tenantId: 'acme', id: 't-1' },
      { type: 'TouchRecorded', tenantId: 'acme', id: 't-2' },
    ]);
    const [first, second] = readDeadLetters(file).letters;
    const { calls, loadHandler } = handlers({ attribute: working });
    await expect(redriveFile({ file, rules, loadHandler, ids: ['no-such-id'] })).rejects.toBeInstanceOf(UnknownLetterError);
    expect(calls).toHaveLength(0);

    const outcomes = await redriveFile({ file, rules, loadHandler, ids: [second!.id.slice(0, 13)] });
    expect(outcomes).toEqual([expect.objectContaining({ id: second!.id, ok: true })]);
    expect(readDeadLetters(file).letters.map((letter) => letter.id)).toEqual([first!.id]);
  });

  it('keeps a stream batch with its records, and redrive derives its events and delivers each to every rule that takes it', async () => {
    const letter = stampLetter({
      kind: 'stream',
      rule: 'table-stream',
      target: 'publish-events',
      records: [
        touchRecord('100', 'acme', 't-1'),
        {
          eventID: 'event-101',
          eventName: 'INSERT',
          dynamodb: {
            SequenceNumber: '101',
            NewImage: marshall({ entity: 'transaction', tenantId: 'acme', transactionId: 'o-1', kind: 'order', occurredAt: '2026-11-02T10:00:00.000Z', identifiers: ['a:cookie'] }) as never,
          },
        },
        // No event for a tenant record: it is skipped.
        { eventID: 'event-102', eventName: 'INSERT', dynamodb: { SequenceNumber: '102', NewImage: marshall({ entity: 'tenant', tenantId: 'acme' }) as never } },
      ],
      recordCount: 3,
      error: 'publishing its events failed 11 times',
      attempts: 11,
    });
    appendDeadLetter(file, letter);
    expect(listFile(file).rows[0]).toMatchObject({ kind: 'stream', detailType: 'TouchRecorded, TransactionRecorded', tenant: 'acme', attempts: 11 });

    const { calls, loadHandler } = handlers({ attribute: working, audit: working });
    const outcomes = await redriveFile({ file, rules, loadHandler });
    expect(outcomes).toEqual([expect.objectContaining({ id: letter.id, ok: true })]);
    expect(calls.map((call) => [call.target, call.event['detail-type']])).toEqual([
      ['attribute', 'TouchRecorded'],
      ['attribute', 'TransactionRecorded'],
      ['audit', 'TransactionRecorded'],
    ]);
    // The stream record's eventID stays the event's eventId, as the stream publisher sets it: consumers deduplicate on it.
    expect(calls[0]!.event.detail).toMatchObject({ tenantId: 'acme', touchId: 't-1', eventId: 'event-100' });
    expect(readDeadLetters(file).letters).toEqual([]);
  });

  it('keeps a whole stream batch when one of its deliveries fails', async () => {
    appendDeadLetter(file, stampLetter({ kind: 'stream', rule: 'table-stream', target: 'publish-events', records: [touchRecord('200', 'acme', 't-9')], recordCount: 1, error: 'x', attempts: 11 }));
    const { loadHandler } = handlers({ attribute: failing('table busy') });
    const [outcome] = await redriveFile({ file, rules, loadHandler });
    expect(outcome).toMatchObject({ ok: false, message: expect.stringContaining('TouchRecorded → attribute: table busy') });
    expect(readDeadLetters(file).letters[0]).toMatchObject({ kind: 'stream', attempts: 12, records: [expect.objectContaining({ eventID: 'event-200' })] });
  });

  it('reads the letters of earlier versions (no id; a stream batch as a count only), and keeps what it cannot redrive', async () => {
    writeFileSync(
      file,
      `${[
        JSON.stringify({
          rule: 'attribute',
          target: 'attribute',
          event: { id: 'e-1', source: 'baton', time: '2026-11-01T00:00:00Z', 'detail-type': 'TouchRecorded', detail: { tenantId: 'acme' } },
          error: 'boom',
          attempts: 3,
        }),
        JSON.stringify({ rule: 'table-stream', target: 'publish-events', event: { streamRecords: 4 }, error: 'stream batch kept failing', attempts: 10 }),
        'not json at all',
      ].join('\n')}\n`,
    );
    const listed = listFile(file);
    expect(listed.unreadable).toBe(1);
    expect(listed.rows.map((row) => [row.kind, row.detailType])).toEqual([
      ['event', 'TouchRecorded'],
      ['stream', '4 stream records (not kept)'],
    ]);
    expect(listed.rows[0]!.id).toBe(listFile(file).rows[0]!.id);

    const { loadHandler } = handlers({ attribute: working });
    const outcomes = await redriveFile({ file, rules, loadHandler });
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false]);
    expect(outcomes[1]!.message).toContain('cannot be redriven');
    const after = readFileSync(file, 'utf8');
    expect(after).toContain('not json at all');
    expect(readDeadLetters(file).letters).toEqual([expect.objectContaining({ kind: 'stream', recordCount: 4, attempts: 11 })]);
  });

  it('does not lose a letter appended while a redrive runs', async () => {
    await lettersFromBus([{ type: 'TouchRecorded', tenantId: 'acme', id: 't-1' }]);
    // Meanwhile `npm start` keeps failing on other events and appends them.
    const running = new LocalBus({ rules: [rules[0]!], deadLetterFile: file, maxAttempts: 1, loadHandler: async () => failing('down') });
    const { loadHandler } = handlers({
      attribute: async () => {
        running.publish([{ 'detail-type': 'TouchRecorded', detail: { tenantId: 'acme', touchId: 'during' } }]);
        await running.drain();
      },
    });
    const outcomes = await redriveFile({ file, rules, loadHandler });
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true]);
    const { letters } = readDeadLetters(file);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ id: running.deadLetters[0]!.id, event: { detail: { touchId: 'during' } } });
  });

  it('does not lose letters another process appends while redrives rewrite the file', async () => {
    const module = join(root, 'scripts', 'local', 'dead-letter-file.ts');
    const appender = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `
        const { appendDeadLetter, stampLetter } = await import(${JSON.stringify(module)});
        for (let i = 0; i < 150; i += 1) {
          appendDeadLetter(process.argv[1], stampLetter({ kind: 'event', rule: 'attribute', target: 'attribute', error: 'x', attempts: 1,
            event: { id: 'other-' + i, source: 'baton', time: new Date().toISOString(), 'detail-type': 'TouchRecorded', detail: { tenantId: 'other', n: i } } }));
          await new Promise((wait) => setTimeout(wait, 2));
        }
        `,
        file,
      ],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    appender.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const done = new Promise<number | null>((resolve) => appender.once('exit', resolve));
    let finished = false;
    void done.then(() => (finished = true));

    // Redrive over and over while it appends: letters of tenant "mine" succeed and go, the others' fail and stay.
    const { loadHandler } = handlers({
      attribute: async (event: { detail: { tenantId: string } }) => {
        if (event.detail.tenantId !== 'mine') throw new Error('not mine');
      },
    });
    let mine = 0;
    while (!finished) {
      for (let i = 0; i < 5; i += 1) {
        appendDeadLetter(
          file,
          stampLetter({
            kind: 'event',
            rule: 'attribute',
            target: 'attribute',
            error: 'x',
            attempts: 1,
            event: { id: `mine-${mine}`, source: 'baton', time: '', 'detail-type': 'TouchRecorded', detail: { tenantId: 'mine' } },
          }),
        );
        mine += 1;
      }
      await redriveFile({ file, rules, loadHandler });
      // Let the appender's exit be noticed (the handlers here never wait for I/O).
      await new Promise((wait) => setTimeout(wait, 5));
    }
    expect(await done, stderr).toBe(0);
    await redriveFile({ file, rules, loadHandler });

    const { letters } = readDeadLetters(file);
    expect(mine).toBeGreaterThan(0);
    expect(letters.filter((letter) => letter.kind === 'event' && letter.event.detail.tenantId === 'mine')).toEqual([]);
    const others = letters.flatMap((letter) => (letter.kind === 'event' ? [letter.event.detail.n as number] : []));
    expect(others.sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(existsSync(`${file}.lock`)).toBe(false);
  }, 60_000);

  it('rewrites the file whole: a temporary file renamed over it, never a half-written one', () => {
    appendDeadLetter(file, stampLetter({ kind: 'stream', rule: 'table-stream', target: 'publish-events', recordCount: 0, records: [], error: '', attempts: 1 }));
    rewriteDeadLetters(file, () => []);
    expect(readFileSync(file, 'utf8')).toBe('');
    expect(readDeadLetters(join(dir, 'absent.ndjson'))).toEqual({ letters: [], unreadable: [] });
  });
});
