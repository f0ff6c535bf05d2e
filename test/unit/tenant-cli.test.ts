import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ProgramSpec, runCli } from '../../scripts/cli.ts';
import { freePort } from '../../scripts/local/dynamodb-local.ts';

const root = join(import.meta.dirname, '..', '..');

/** `npm run tenant -- <args>`, as npm runs it; no DynamoDB is needed for any usage path. */
async function tenant(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = { ...process.env };
  delete base.TABLE_NAME;
  delete base.DYNAMODB_ENDPOINT;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/tenant.ts', ...args], { cwd: root, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

const NO_STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe.concurrent('npm run tenant: usage', () => {
  it.each([['--help'], ['-h'], ['help']])(
    '%s prints the usage of every command to stdout and exits 0',
    async (flag) => {
      const { code, stdout, stderr } = await tenant([flag]);
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toMatch(/^Usage: npm run tenant -- <command> \[options\]/);
      for (const command of ['create <tenantId>', 'rotate-secret <tenantId> <provider>', 'set-secret <tenantId> <provider> <secret>']) expect(stdout).toContain(command);
    },
    30_000,
  );

  it.each([
    ['create', '--help'],
    ['rotate-secret', '-h'],
    ['help', 'set-secret'],
  ])(
    '%s %s prints that command’s usage and exits 0',
    async (first, second) => {
      const { code, stdout, stderr } = await tenant([first, second]);
      const command = first === 'help' ? second : first;
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toMatch(new RegExp(`^Usage: npm run tenant -- ${command} `));
      expect(stdout).toContain('Options:');
    },
    30_000,
  );

  it('shows a command’s options and their defaults', async () => {
    const { stdout } = await tenant(['create', '--help']);
    expect(stdout).toContain('--currency <code>');
    expect(stdout).toContain('(default USD)');
    expect(stdout).toContain('--timezone <zone>');
  }, 30_000);

  it('--help wins over whatever else was typed', async () => {
    const { code, stdout } = await tenant(['create', '--bogus', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run tenant -- create /);
  }, 30_000);

  it.each([
    [[], 'No command given.', 'npm run tenant -- <command>'],
    [['bogus'], 'Unknown command "bogus".', 'npm run tenant -- <command>'],
    [['--currency', 'EUR'], 'Expected a command before "--currency".', 'npm run tenant -- <command>'],
    [['create'], 'Missing <tenantId>.', 'npm run tenant -- create'],
    [['create', 'acme', '--bogus'], "Unknown option '--bogus'.", 'npm run tenant -- create'],
    [['create', 'acme', '--currency'], "Option '--currency <value>' argument missing.", 'npm run tenant -- create'],
    [['create', 'acme', 'extra'], 'Unexpected argument "extra".', 'npm run tenant -- create'],
    [['create', 'Acme'], 'Invalid tenant id "Acme"', 'npm run tenant -- create'],
    [['create', 'acme', '--currency', 'usd'], 'Invalid currency "usd"', 'npm run tenant -- create'],
    [['rotate-secret', 'acme'], 'Missing <provider>.', 'npm run tenant -- rotate-secret'],
    [['rotate-secret', 'acme', 'paypal'], 'Invalid provider "paypal": expected one of shopify, woocommerce, stripe, generic.', 'npm run tenant -- rotate-secret'],
    [['set-secret', 'acme', 'stripe'], 'Missing <secret>.', 'npm run tenant -- set-secret'],
  ])(
    '%j: one line saying why, then the usage, on stderr; exit 2; no stack trace',
    async (args, reason, usage) => {
      const { code, stdout, stderr } = await tenant(args);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      const [first, blank, ...rest] = stderr.split('\n');
      expect(first).toContain(reason);
      expect(blank).toBe('');
      expect(rest.join('\n')).toContain(`Usage: ${usage}`);
      expect(stderr).not.toMatch(NO_STACK);
    },
    30_000,
  );

  it('says in one line that DynamoDB Local is not running (exit 1), without a stack trace', async () => {
    const { code, stdout, stderr } = await tenant(['create', 'acme'], { DYNAMODB_LOCAL_PORT: String(await freePort()) });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toMatch(/^DynamoDB Local is not running at http:\/\/127\.0\.0\.1:\d+\. Start Baton first: npm start$/);
  }, 30_000);
});

describe('the command-line frame (scripts/cli.ts)', () => {
  const seen: string[] = [];
  const program: ProgramSpec = {
    invocation: 'npm run tool --',
    description: 'A tool.',
    commands: [
      {
        name: 'greet',
        summary: 'say hello',
        args: [
          { name: 'who', description: 'whom' },
          { name: 'how', description: 'how', optional: true },
        ],
        options: { loud: { type: 'boolean', description: 'shout' }, tag: { type: 'string', multiple: true, description: 'tags' } },
        run: ({ args, options, out }) => {
          seen.push(JSON.stringify({ args, options }));
          out(`hello ${args.who}`);
        },
      },
      {
        name: 'fail',
        summary: 'fail unexpectedly',
        run: () => {
          throw new Error('the disk is on fire');
        },
      },
    ],
  };
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (text: string) => void out.push(text), err: (text: string) => void err.push(text) } };
  };

  it('passes arguments by name and options by type; a new command needs nothing but its declaration', async () => {
    const { out, io } = capture();
    expect(await runCli(program, ['greet', 'ada', '--loud', '--tag', 'a', '--tag', 'b'], io)).toBe(0);
    expect(out).toEqual(['hello ada']);
    expect(JSON.parse(seen.at(-1)!)).toEqual({ args: { who: 'ada' }, options: { loud: true, tag: ['a', 'b'] } });
  });

  it('reports an unexpected failure in one line (exit 1), the stack only with DEBUG', async () => {
    const { err, io } = capture();
    expect(await runCli(program, ['fail'], io)).toBe(1);
    expect(err[0]).toBe('fail failed: the disk is on fire');
    expect(err.join('\n')).not.toMatch(NO_STACK);
  });
});
