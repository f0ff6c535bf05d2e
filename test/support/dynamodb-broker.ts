import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunningDynamoDbLocal, startDynamoDbLocal } from '../../scripts/local/dynamodb-local.ts';
import { ensureTable, localDynamoDbClient } from '../../scripts/local/table.ts';

/** The one table of every instance: each file that borrows the instance finds it empty (integration-setup.ts). */
export const INSTANCE_TABLE_NAME = 'baton-test';

interface Instance {
  running: RunningDynamoDbLocal;
  leased: boolean;
  stopped: boolean;
}

/**
 * Lends DynamoDB Local instances to the integration files, from the run's main process: the files run in
 * workers that end with each file, while an instance lives for the whole run, as many as files run at once.
 *
 * Why one table per instance, kept for the run, rather than a table per file: DynamoDB Local keeps the
 * stream records of a table after it is deleted, and every write with a stream costs in proportion to
 * the records other tables left (docs/development.md, "DynamoDB Local's streams"); making a table of the
 * same name again, or turning a stream off and on, does not help. Writes to one table that lives on
 * stay flat. So each instance has one table with its stream, made here when it starts; a file empties it
 * when it is done, and a file's stream consumers start at the records written after they start (LATEST).
 *
 * Java is stopped by its PID when the run ends (and with this process, by the watchdog of
 * scripts/local/dynamodb-local.ts). An instance whose Java stopped on its own, or whose table a file could
 * not empty, is not lent again.
 */
export class DynamoDbBroker {
  private readonly instances: Instance[] = [];
  /** Started before a file asks, so that the first file need not wait for Java. */
  private spare: Promise<Instance> | undefined;
  private server: Server | undefined;

  async listen(): Promise<string> {
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://broker');
      const answer =
        url.pathname === '/lease'
          ? this.lease().then(({ endpoint, pid }) => ({ endpoint, pid, tableName: INSTANCE_TABLE_NAME }))
          : this.release(url.searchParams.get('endpoint') ?? '', url.searchParams.get('retire') === 'true').then(() => ({}));
      answer.then(
        (body) => response.end(JSON.stringify(body)),
        (error: Error) => {
          response.statusCode = 500;
          response.end(JSON.stringify({ error: error.message }));
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.spare = this.start();
    // A failed start is told to the file that takes it.
    this.spare.catch(() => undefined);
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    const spare = await this.spare?.catch(() => undefined);
    await Promise.all([...this.instances, spare].map((instance) => instance?.running.stop()));
  }

  private async start(): Promise<Instance> {
    const running = await startDynamoDbLocal({ forTests: true });
    const instance: Instance = { running, leased: false, stopped: false };
    void running.exited.then(() => (instance.stopped = true));
    const admin = localDynamoDbClient(running.endpoint);
    try {
      await ensureTable(admin, INSTANCE_TABLE_NAME);
    } catch (error) {
      await running.stop();
      throw error;
    } finally {
      admin.destroy();
    }
    return instance;
  }

  private async lease(): Promise<{ endpoint: string; pid: number }> {
    for (const gone of this.instances.filter((candidate) => !candidate.leased && candidate.stopped)) this.instances.splice(this.instances.indexOf(gone), 1);
    let instance = this.instances.find((candidate) => !candidate.leased);
    if (instance) instance.leased = true;
    else {
      // Taken before waiting, so two files asking at once never get the same one.
      const starting = this.spare ?? this.start();
      this.spare = undefined;
      instance = await starting;
      instance.leased = true;
      this.instances.push(instance);
    }
    return { endpoint: instance.running.endpoint, pid: instance.running.pid };
  }

  private async release(endpoint: string, retire: boolean): Promise<void> {
    const instance = this.instances.find((candidate) => candidate.running.endpoint === endpoint);
    if (!instance) return;
    if (retire) {
      this.instances.splice(this.instances.indexOf(instance), 1);
      await instance.running.stop();
    } else instance.leased = false;
  }
}
