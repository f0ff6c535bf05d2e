import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join, resolve } from 'node:path';

/**
 * AWS's DynamoDB Local, taken from the jar that the npm package
 * `amplify-dynamodb-simulator` ships. Installing that package would pull
 * ~280 dependencies, so its tarball is fetched with `npm pack`, checked
 * against the registry's integrity hash, and only `emulator/` is kept in a
 * git-ignored cache.
 */
const PACKAGE = 'amplify-dynamodb-simulator';
const VERSION = '2.9.30';
const INTEGRITY = 'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';

export const projectRoot = resolve(import.meta.dirname, '..', '..');
const cacheDir = join(projectRoot, '.cache', 'dynamodb-local', VERSION);

export function emulatorDir(): string {
  return join(cacheDir, 'emulator');
}

/** Fails with a message a newcomer can act on when Java is missing. */
export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'Java was not found on PATH. DynamoDB Local is a Java program: install a JRE 17 or newer ' +
        '(Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless; macOS: brew install openjdk@17) and try again.',
    );
  }
}

/** Downloads and verifies the emulator once; later calls return at once. */
export function ensureEmulator(): string {
  const dir = emulatorDir();
  if (existsSync(join(dir, 'DynamoDBLocal.jar'))) return dir;
  const staging = `${cacheDir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const pack = spawnSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--silent', '--pack-destination', staging], {
    encoding: 'utf8',
    cwd: staging,
  });
  if (pack.status !== 0) throw new Error(`npm pack ${PACKAGE}@${VERSION} failed: ${pack.stderr}`);
  const tarball = join(staging, `${PACKAGE}-${VERSION}.tgz`);
  const digest = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (digest !== INTEGRITY) throw new Error(`${PACKAGE}@${VERSION} failed its integrity check (${digest})`);
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', staging, 'package/emulator'], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`Could not unpack the DynamoDB Local jar: ${untar.stderr}`);
  mkdirSync(cacheDir, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(join(staging, 'package', 'emulator'), dir);
  rmSync(staging, { recursive: true, force: true });
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) return;
    await new Promise((wait) => setTimeout(wait, 100));
  }
  throw new Error(`DynamoDB Local did not open port ${port} within ${timeoutMs} ms`);
}

export interface RunningDynamoDbLocal {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local on a free port (or `port`). `dataDir` keeps the data
 * between runs; without it the data lives in memory.
 */
export async function startDynamoDbLocal(options: { port?: number; dataDir?: string } = {}): Promise<RunningDynamoDbLocal> {
  assertJava();
  const dir = ensureEmulator();
  const port = options.port ?? (await freePort());
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawn(
    'java',
    ['-Xmx512m', `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), ...storage, '-port', String(port), '-disableTelemetry'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitForPort(port, child, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('DynamoDB Local has no PID');
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid,
    stop: () => stopProcess(child),
  };
}

/** Stops a child by its PID: SIGTERM, then SIGKILL if it lingers. */
export async function stopProcess(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  timer.unref();
  await exited;
  clearTimeout(timer);
}
