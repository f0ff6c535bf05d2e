import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunningDynamoDbLocal, startDynamoDbLocal } from '../../scripts/local/dynamodb-local.ts';
import { processCpuSeconds } from '../../scripts/local/process-cpu.ts';

/**
 * DynamoDB Local slows down with the work it has done, even after the tables are deleted (its stream records
 * outlive their tables, and every write with a stream costs in proportion to them: docs/development.md,
 * "DynamoDB Local's streams"; so test tables have a stream only when a file reads it): eight of the
 * heaviest files, four per instance, used 95 Java CPU-seconds instead of 77 on a fresh instance each,
 * and the later files took up to twice as long (and once, three files to an instance, one stalled it past
 * the SDK's 1-second connect timeout). Most files are light, though, and for them Java's start
 * (about 2.7 CPU-seconds) is most of what an instance costs: ten light files took 28 s instead of 45 s,
 * and 12 Java CPU-seconds instead of 41, four or five to an instance. So an instance serves further files
 * until it has done this much work (Java's CPU time since it was ready, read from /proc), a heavy file
 * retiring it at once.
 */
export const INSTANCE_WORK_CPU_SECONDS = 6;
/** And at most this many files, however light (on a system without /proc, one). */
export const FILES_PER_INSTANCE = process.platform === 'linux' ? 8 : 1;

interface Instance {
  running: RunningDynamoDbLocal;
  /** Java's CPU time when the instance was ready: the start is not work. */
  readyCpu: number;
  served: number;
  leased: boolean;
  stopped: boolean;
}

/**
 * Lends DynamoDB Local instances to the integration files, from the run's main process: the files run
 * in workers that end with each file, while an instance lives for several files and must end with the
 * run. Java is stopped by its PID when an instance has served its files and when the run ends (and
 * with this process, by the watchdog of scripts/local/dynamodb-local.ts). One fresh instance is kept
 * starting ahead, so a file seldom waits for Java.
 */
export class DynamoDbBroker {
  private readonly instances: Instance[] = [];
  private spare: Promise<Instance> | undefined;
  private server: Server | undefined;

  async listen(): Promise<string> {
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://broker');
      const answer = url.pathname === '/lease' ? this.lease().then((endpoint) => ({ endpoint })) : this.release(url.searchParams.get('endpoint') ?? '').then(() => ({}));
      answer.then(
        (body) => response.end(JSON.stringify(body)),
        (error: Error) => {
          response.statusCode = 500;
          response.end(JSON.stringify({ error: error.message }));
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.startSpare();
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    const spare = await this.spare?.catch(() => undefined);
    await Promise.all([...this.instances.map((instance) => instance.running.stop()), spare?.running.stop()]);
  }

  private startSpare(): void {
    this.spare ??= this.start();
  }

  private start(): Promise<Instance> {
    return startDynamoDbLocal({ shortLived: true }).then((running) => {
      const instance: Instance = { running, readyCpu: processCpuSeconds(running.pid), served: 0, leased: false, stopped: false };
      void running.exited.then(() => (instance.stopped = true));
      return instance;
    });
  }

  private async lease(): Promise<string> {
    // An instance whose Java has stopped on its own is not lent again.
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
    if (!this.instances.some((candidate) => !candidate.leased)) this.startSpare();
    return instance.running.endpoint;
  }

  private async release(endpoint: string): Promise<void> {
    const instance = this.instances.find((candidate) => candidate.running.endpoint === endpoint);
    if (!instance) return;
    instance.leased = false;
    instance.served += 1;
    // Negated, so that work that cannot be read (NaN) retires the instance too.
    const worn = !(processCpuSeconds(instance.running.pid) - instance.readyCpu <= INSTANCE_WORK_CPU_SECONDS);
    if (instance.served >= FILES_PER_INSTANCE || worn) {
      this.instances.splice(this.instances.indexOf(instance), 1);
      await instance.running.stop();
    }
  }
}
