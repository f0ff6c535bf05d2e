import { describe, expect, it } from 'vitest';
import { type ProgramSpec, runCli } from '../../scripts/cli.ts';
import { freePort } from '../../scripts/local/dynamodb-local.ts';
import { tenantProgram } from '../../scripts/tenant/program.ts';
import { runProgram, runScript, withoutTable } from '../support/process.ts';

/** `npm run tenant -- <args>`, as npm runs it: for what only a process shows (its exit code, its streams, its imports). */
const tenantProcess = (args: string[], env: NodeJS.ProcessEnv = {}) => runScript('tenant', args, withoutTable(env));

/** The same program in this process (runProgram). No usage path touches DynamoDB or the environment (withStore runs only once a command does). */
const tenant = (args: string[]) => runProgram(tenantProgram, args);

const NO_STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe('npm run tenant: usage', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints the usage of every command to stdout and exits 0', async (flag) => {
    const { code, stdout, stderr } = await tenant([flag]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: npm run tenant -- <command> \[options\]/);
    for (const command of ['create <tenantId>', 'rotate-secret <tenantId> <provider>', 'set-secret <tenantId> <provider> <secret>']) expect(stdout).toContain(command);
  });

  it.each([
    ['create', '--help'],
    ['rotate-secret', '-h'],
    ['help', 'set-secret'],
  ])('%s %s prints that command’s usage and exits 0', async (first, second) => {
    const { code, stdout, stderr } = await tenant([first, second]);
    const command = first === 'help' ? second : first;
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(new RegExp(`^Usage: npm run tenant -- ${command} `));
    expect(stdout).toContain('Options:');
  });

  it('shows a command’s options and their defaults', async () => {
    const { stdout } = await tenant(['create', '--help']);
    expect(stdout).toContain('--currency <code>');
    expect(stdout).toContain('(default USD)');
    expect(stdout).toContain('--timezone <zone>');
  });

  it('--help wins over whatever else was typed', async () => {
    const { code, stdout } = await tenant(['create', '--bogus', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run tenant -- create /);
  });

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
  ])('%j: one line saying why, then the usage, on stderr; exit 2; no stack trace', async (args, reason, usage) => {
    const { code, stdout, stderr } = await tenant(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const [first, blank, ...rest] = stderr.split('\n');
    expect(first).toContain(reason);
    expect(blank).toBe('');
    expect(rest.join('\n')).toContain(`Usage: ${usage}`);
    expect(stderr).not.toMatch(NO_STACK);
  });
});

// What only a real process shows: that scripts/tenant.ts hands argv to the program and its result to the
// exit code and the streams, and that a command reaching for a table that is not there fails in one line.
describe.concurrent('npm run tenant as a process', () => {
  it('--help prints the usage to stdout and exits 0', async () => {
    const { code, stdout, stderr } = await tenantProcess(['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: npm run tenant -- <command> \[options\]/);
    expect(stdout).toContain('rotate-secret <tenantId> <provider>');
  }, 30_000);

  it('a usage error: one line saying why, then the usage, on stderr; exit 2; no stack trace', async () => {
    const { code, stdout, stderr } = await tenantProcess(['create', 'Acme']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const [first, blank, ...rest] = stderr.split('\n');
    expect(first).toContain('Invalid tenant id "Acme"');
    expect(blank).toBe('');
    expect(rest.join('\n')).toContain('Usage: npm run tenant -- create');
    expect(stderr).not.toMatch(NO_STACK);
  }, 30_000);

  it('says in one line that DynamoDB Local is not running (exit 1), without a stack trace', async () => {
    const { code, stdout, stderr } = await tenantProcess(['create', 'acme'], { DYNAMODB_LOCAL_PORT: String(await freePort()) });
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
