import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalBus } from '../../scripts/local/bus.ts';
import type { LambdaHandler } from '../../scripts/local/handlers.ts';

function busWith(handlers: Record<string, LambdaHandler>) {
  return new LocalBus({
    rules: [
      { name: 'attribute', detailTypes: ['TransactionRecorded', 'TouchRecorded'], target: 'attribute' },
      { name: 'audit', detailTypes: ['TransactionRecorded'], target: 'audit' },
    ],
    loadHandler: async (name) => {
      const handler = handlers[name];
      if (!handler) throw new Error(`no ${name}`);
      return handler;
    },
  });
}

describe('the in-process bus', () => {
  it('delivers each event to every rule whose detail types match, in the EventBridge envelope', async () => {
    const seen: Array<[string, unknown]> = [];
    const bus = busWith({
      attribute: async (event) => void seen.push(['attribute', event]),
      audit: async (event) => void seen.push(['audit', event]),
    });
    bus.publish([{ 'detail-type': 'TransactionRecorded', detail: { tenantId: 'acme', transactionId: 'o-1' } }]);
    bus.publish([{ 'detail-type': 'TouchRecorded', detail: { tenantId: 'acme', touchId: 't-1' } }]);
    bus.publish([{ 'detail-type': 'StageRecorded', detail: { tenantId: 'acme' } }]);
    await bus.drain();
    expect(seen.map(([target]) => target).sort()).toEqual(['attribute', 'attribute', 'audit']);
    expect(seen[0]?.[1]).toMatchObject({ source: 'baton', 'detail-type': expect.any(String), id: expect.any(String), detail: { tenantId: 'acme' } });
  });

  it('retries a failing delivery and succeeds without a dead letter', async () => {
    let calls = 0;
    const bus = busWith({
      attribute: async () => {
        calls += 1;
        if (calls < 3) throw new Error('transient');
      },
      audit: async () => undefined,
    });
    bus.publish([{ 'detail-type': 'TouchRecorded', detail: { tenantId: 'acme' } }]);
    await bus.drain();
    expect(calls).toBe(3);
    expect(bus.deadLetters).toEqual([]);
  });

  it('keeps a delivery that keeps failing as a dead letter instead of dropping it', async () => {
    const bus = busWith({
      attribute: async () => {
        throw new Error('always broken');
      },
      audit: async () => undefined,
    });
    bus.publish([{ 'detail-type': 'TransactionRecorded', detail: { tenantId: 'acme', transactionId: 'o-9' } }]);
    await bus.drain();
    expect(bus.deadLetters).toHaveLength(1);
    expect(bus.deadLetters[0]).toMatchObject({ rule: 'attribute', attempts: 3, error: expect.stringContaining('always broken'), event: { detail: { transactionId: 'o-9' } } });
  });

  it('gives each dead letter an id and a time, and keeps the event to deliver it again', async () => {
    const bus = busWith({ attribute: async () => Promise.reject(new Error('down')), audit: async () => undefined });
    bus.publish([{ 'detail-type': 'TouchRecorded', detail: { tenantId: 'acme', touchId: 't-1' } }]);
    bus.publish([{ 'detail-type': 'TouchRecorded', detail: { tenantId: 'acme', touchId: 't-2' } }]);
    await bus.drain();
    const [first, second] = bus.deadLetters;
    expect(first).toMatchObject({
      kind: 'event',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      at: expect.any(String),
      event: { source: 'baton', id: expect.any(String), detail: { touchId: 't-1' } },
    });
    expect(first!.id).not.toBe(second!.id);
    expect(Date.parse(first!.at)).not.toBeNaN();
  });

  it('goes on delivering when its letter file cannot be written (the letter stays in memory and in the log)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-bus-'));
    try {
      // The letter file's folder is a file: nothing can be written under it.
      writeFileSync(join(dir, 'blocked'), '');
      const bus = new LocalBus({
        rules: [{ name: 'attribute', detailTypes: ['TouchRecorded'], target: 'attribute' }],
        deadLetterFile: join(dir, 'blocked', 'dead-letters.ndjson'),
        maxAttempts: 1,
        loadHandler: async () => async () => Promise.reject(new Error('down')),
      });
      bus.publish([{ 'detail-type': 'TouchRecorded', detail: { tenantId: 'acme' } }]);
      await bus.drain();
      expect(bus.deadLetters).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
