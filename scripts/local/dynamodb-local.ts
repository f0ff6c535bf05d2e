import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
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

let javaFound = false;

/** Fails with a message a newcomer can act on when Java is missing; once found, not asked again in this process. */
export function assertJava(): void {
  if (javaFound) return;
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'Java was not found on PATH. DynamoDB Local is a Java program: install a JRE 17 or newer ' +
        '(Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless; macOS: brew install openjdk@17) and try again.',
    );
  }
  javaFound = true;
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

/** Java says this on stderr when its port is taken, and then lives on without serving anything. */
const BIND_FAILED = /BindException|Failed to bind/;

class PortTakenError extends Error {
  override name = 'PortTakenError';
}

/**
 * Waits until Java itself listens on `port`. An open port alone is not enough: when another process
 * holds it (a port found free can be taken before Java binds it), Java reports the failed bind and stays
 * alive, while the other process answers on the port. On Linux the listening socket must be one of Java's
 * own descriptors; elsewhere an open port and no failed bind is taken as Java's.
 */
async function waitForOwnPort(port: number, pid: number, child: ChildProcess, stderr: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`DynamoDB Local exited with ${child.signalCode ?? `code ${child.exitCode}`}`);
    if (BIND_FAILED.test(stderr())) throw new PortTakenError(`port ${port} is taken by another process`);
    if ((await isOpen(port)) && listensOn(pid, port) !== false) return;
    await new Promise((wait) => setTimeout(wait, 100));
  }
  throw new Error(`DynamoDB Local did not open port ${port} within ${timeoutMs} ms`);
}

function isOpen(port: number): Promise<boolean> {
  return new Promise<boolean>((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/** Whether `pid` holds a socket listening on `port` (from /proc: Linux); undefined where /proc does not tell. */
function listensOn(pid: number, port: number): boolean | undefined {
  let listening: Set<string>;
  let descriptors: string[];
  try {
    listening = new Set(
      ['/proc/net/tcp', '/proc/net/tcp6']
        .filter((table) => existsSync(table))
        .flatMap((table) => readFileSync(table, 'utf8').split('\n').slice(1))
        .map((line) => line.trim().split(/\s+/))
        // local_address is HEXADDR:HEXPORT, state 0A is LISTEN, the tenth field the socket's inode.
        .filter((fields) => fields.length > 9 && fields[3] === '0A' && Number.parseInt(fields[1]!.split(':')[1]!, 16) === port)
        .map((fields) => `socket:[${fields[9]}]`),
    );
    descriptors = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  return descriptors.some((fd) => {
    try {
      return listening.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      return false; // closed meanwhile
    }
  });
}

export interface RunningDynamoDbLocal {
  endpoint: string;
  /** Java's PID. */
  pid: number;
  /** Stops Java by its PID (SIGTERM, then SIGKILL if it lingers); resolves once it is gone. */
  stop(): Promise<void>;
  /** Resolves when Java has gone, for whatever reason: after stop(), or on its own. */
  exited: Promise<DynamoDbLocalExit>;
}

export interface DynamoDbLocalExit {
  /** Java's exit status as its shell saw it (128 + n when signal n ended it). */
  code: number | null;
  /** Set when the watchdog shell itself was ended by a signal. */
  signal: NodeJS.Signals | null;
  /** Java's stderr, last lines: why it stopped, when it says. */
  stderr: string;
}

/**
 * Java runs under a tiny `sh` watchdog so that it never outlives the Node
 * process that started it, however that process ends — even by SIGKILL,
 * which runs no handler at all. The watchdog's stdin is a pipe whose only
 * writer is Node: the kernel closes it when Node dies, `read` returns at
 * EOF, and the watchdog stops Java (SIGTERM, then SIGKILL after 5 s). This
 * needs no polling and cannot be fooled by PID reuse. (A parent-PID poll
 * was the alternative: it waits up to a poll interval and only sees the
 * direct parent.) The shell waits for Java and exits with its status, so
 * Node learns when Java stops on its own; it reports Java's PID on its
 * first stdout line, so Java is stopped by its own PID.
 *
 * Asynchronous commands of a non-interactive shell get /dev/null as stdin,
 * hence the pipe is kept on fd 3 for the watching subshell. The watchdog
 * and Java run in a process group of their own (`detached`): a Ctrl-C in
 * the terminal reaches `npm start`, which stops Java in order, instead of
 * racing it to Java.
 */
const WATCHDOG = [
  'exec 3<&0 </dev/null',
  '"$@" 3<&- >/dev/null &',
  'java=$!',
  'echo "$java"',
  '( read -r _ <&3; kill -TERM "$java" 2>/dev/null; sleep 5; kill -KILL "$java" 2>/dev/null ) &',
  'watcher=$!',
  'exec 3<&-',
  'trap \'kill -TERM "$java" 2>/dev/null\' TERM INT HUP',
  'while :; do',
  '  wait "$java"; status=$?',
  '  kill -0 "$java" 2>/dev/null || break',
  'done',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

/**
 * Java's options for the tests' instances. The quick compiler alone starts one with about half the CPU (2.7 s
 * instead of 4.7 s here), and the full optimiser's compiling does not pay back over a test run either: the
 * integration project on two instances that live through it took 199 s with these options, 225 s without.
 * Nor does checking the bytecode of AWS's own jar as it loads (0.4 CPU-seconds of each start: 2.69 s
 * instead of 3.11 s, four each).
 */
export const TEST_JAVA_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-XX:+UnlockDiagnosticVMOptions', '-XX:-BytecodeVerificationRemote'];

/**
 * Starts DynamoDB Local on a free port (or `port`). `dataDir` keeps the data
 * between runs; without it the data lives in memory. Java is stopped with
 * `stop()`, and also when this process ends without calling it (see WATCHDOG).
 * `forTests` starts Java with TEST_JAVA_OPTIONS.
 */
export async function startDynamoDbLocal(options: { port?: number; dataDir?: string; forTests?: boolean } = {}): Promise<RunningDynamoDbLocal> {
  assertJava();
  const dir = ensureEmulator();
  if (options.port !== undefined) return startJava(dir, options.port, options);
  // A port found free here may be taken before Java binds it (other test files and processes look for free ports too).
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startJava(dir, await freePort(), options);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === 3) throw error;
    }
  }
}

async function startJava(dir: string, port: number, options: { dataDir?: string; forTests?: boolean }): Promise<RunningDynamoDbLocal> {
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // In memory, the tables live in Java's heap: give it room for a test run's or a benchmark's data.
  const heap = options.dataDir ? '-Xmx512m' : '-Xmx1g';
  const java = [
    'java',
    heap,
    ...(options.forTests ? TEST_JAVA_OPTIONS : []),
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    ...storage,
    '-port',
    String(port),
    '-disableTelemetry',
  ];
  const watchdog = spawn('/bin/sh', ['-c', WATCHDOG, 'dynamodb-local', ...java], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  // Nothing is ever written to the watchdog's stdin: it only has to stay open while this process lives.
  watchdog.stdin?.on('error', () => undefined);

  let stderr = '';
  watchdog.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8_000)));
  const exited = new Promise<DynamoDbLocalExit>((done) => watchdog.once('exit', (code, signal) => done({ code, signal, stderr: stderr.trim() })));
  let pid: number | undefined;
  const pidReported = new Promise<number>((resolvePid, reject) => {
    let stdout = '';
    watchdog.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^(\d+)\n/.exec(stdout);
      if (line && pid === undefined) resolvePid((pid = Number(line[1])));
    });
    void exited.then(({ code, signal }) => reject(new Error(`DynamoDB Local exited with ${signal ?? `code ${code}`}`)));
  });
  pidReported.catch(() => undefined);

  let javaPid: number;
  try {
    javaPid = await pidReported;
    await waitForOwnPort(port, javaPid, watchdog, () => stderr, 30_000);
  } catch (error) {
    if (pid !== undefined) signalPid(pid, 'SIGKILL');
    watchdog.stdin?.destroy();
    if (error instanceof PortTakenError) throw error;
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  // From here on only what Java says later counts (why it stopped), not its start-up chatter.
  stderr = '';
  // The watchdog exits normally only after reaping Java; killed by a signal itself, it may leave Java behind.
  void exited.then(({ signal }) => signal && signalPid(javaPid, 'SIGTERM'));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid: javaPid,
    exited,
    stop: () => stopJava(javaPid, watchdog, exited),
  };
}

function signalPid(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  return signalPid(pid, 0 as unknown as NodeJS.Signals);
}

/**
 * Stops Java by its PID: SIGTERM, then SIGKILL if it lingers past
 * `graceMs`; resolves once the watchdog has reaped it (or, should the
 * watchdog have been killed itself, once the PID is gone).
 */
async function stopJava(pid: number, watchdog: ChildProcess, exited: Promise<unknown>, graceMs = 3_000): Promise<void> {
  // Exited normally, the watchdog has reaped Java already: its PID may be someone else's by now.
  if (watchdog.exitCode !== null) return;
  const watched = watchdog.signalCode === null;
  signalPid(pid, 'SIGTERM');
  const timer = setTimeout(() => signalPid(pid, 'SIGKILL'), graceMs);
  if (watched) await exited;
  const deadline = Date.now() + graceMs * 2;
  while (!watched && isAlive(pid) && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 50));
  clearTimeout(timer);
  watchdog.stdin?.destroy();
}
