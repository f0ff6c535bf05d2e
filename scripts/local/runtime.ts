import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { eventRules } from '../../shared/events/rules.ts';
import { LocalBus } from './bus.ts';
import { loadHandler } from './handlers.ts';
import { createLocalServer, type LocalServerOptions } from './server.ts';
import { projectRoot } from './dynamodb-local.ts';

export interface LocalRuntime {
  server: Server;
  bus: LocalBus;
  url: string;
  close(): Promise<void>;
}

/**
 * The HTTP server and the in-process bus, wired to the handler modules.
 * The caller sets TABLE_NAME and DYNAMODB_ENDPOINT first: handlers read
 * their configuration when they are first loaded, as on a cold start.
 */
export async function startLocalRuntime(options: { port: number; host?: string; onInvoke?: LocalServerOptions['onInvoke'] }): Promise<LocalRuntime> {
  const bus = new LocalBus({ rules: eventRules, loadHandler, deadLetterFile: join(projectRoot, '.data', 'dead-letters.ndjson') });
  const server = createLocalServer({ loadHandler, ...(options.onInvoke ? { onInvoke: options.onInvoke } : {}) });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    bus,
    url: `http://${host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bus.drain();
    },
  };
}
