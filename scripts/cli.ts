import { parseArgs } from 'node:util';

/**
 * A small frame for the `npm run <script> -- <command> …` tools: each
 * command declares its arguments and options once, and from that
 * declaration come its parsing, its checks and its usage text. `--help`,
 * `-h` and `help [command]` print a usage to stdout (exit 0); anything a
 * user can mistype is answered with one line saying what is wrong and the
 * usage, on stderr (exit 2), never a stack trace.
 */

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** May be given more than once (string options): the values come as an array. */
  multiple?: boolean;
  short?: string;
  default?: string | boolean;
  /** The value's name in the usage: `--currency <code>`. */
  value?: string;
  description: string;
}

export interface ArgSpec {
  name: string;
  description: string;
  optional?: boolean;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandInput {
  /** The positional arguments by their declared names. */
  args: Record<string, string | undefined>;
  options: OptionValues;
  /** Standard output, for what the command prints. */
  out: (text: string) => void;
  /** Standard error, for a note beside the output (a part it could not read). */
  err: (text: string) => void;
}

export interface CommandSpec {
  name: string;
  /** One line for the program's command list. */
  summary: string;
  /** More text for the command's own usage. */
  description?: string;
  args?: readonly ArgSpec[];
  options?: Readonly<Record<string, OptionSpec>>;
  examples?: readonly string[];
  run(input: CommandInput): Promise<void> | void;
}

export interface ProgramSpec {
  /** How the user invokes it: `npm run tenant --`. */
  invocation: string;
  description: string;
  commands: readonly CommandSpec[];
  /** Text after the command list (environment, defaults). */
  epilogue?: string;
}

/** What the user typed cannot be run: said in one line, with the usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The command ran and failed in a way the user can act on: said in one line, no usage. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** Writes each text as a line of its own, as a program's output reaches its stdout and stderr. */
export function lineWriter(write: (text: string) => void): (text: string) => void {
  return (text) => write(text.endsWith('\n') ? text : `${text}\n`);
}

const processIo: CliIo = {
  out: lineWriter((text) => void process.stdout.write(text)),
  err: lineWriter((text) => void process.stderr.write(text)),
};

const HELP_WORDS = new Set(['--help', '-h', 'help']);

/** Runs the command `argv` names; resolves to the exit code. */
export async function runCli(program: ProgramSpec, argv: readonly string[] = process.argv.slice(2), io: CliIo = processIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) return usageFailure(io, 'No command given.', programUsage(program));
  if (HELP_WORDS.has(first)) {
    const topic = rest[0];
    if (topic === undefined || HELP_WORDS.has(topic)) return help(io, programUsage(program));
    const command = program.commands.find((candidate) => candidate.name === topic);
    if (!command) return usageFailure(io, `Unknown command "${topic}".`, programUsage(program));
    return help(io, commandUsage(program, command));
  }
  if (first.startsWith('-')) return usageFailure(io, `Expected a command before "${first}".`, programUsage(program));
  const command = program.commands.find((candidate) => candidate.name === first);
  if (!command) return usageFailure(io, `Unknown command "${first}".`, programUsage(program));

  const terminator = rest.indexOf('--');
  const flags = terminator === -1 ? rest : rest.slice(0, terminator);
  if (flags.some((arg) => arg === '--help' || arg === '-h')) return help(io, commandUsage(program, command));

  let parsed: { values: OptionValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        Object.entries(command.options ?? {}).map(([name, spec]) => [
          name,
          { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(spec.short ? { short: spec.short } : {}), ...(spec.default !== undefined ? { default: spec.default } : {}) },
        ]),
      ) as NonNullable<Parameters<typeof parseArgs>[0]>['options'],
    }) as { values: OptionValues; positionals: string[] };
  } catch (error) {
    return usageFailure(io, parseArgsMessage(error), commandUsage(program, command));
  }

  const declared = command.args ?? [];
  const args: Record<string, string | undefined> = {};
  for (const [index, spec] of declared.entries()) {
    const value = parsed.positionals[index];
    if (value === undefined && !spec.optional) return usageFailure(io, `Missing <${spec.name}>.`, commandUsage(program, command));
    args[spec.name] = value;
  }
  const extra = parsed.positionals[declared.length];
  if (extra !== undefined) return usageFailure(io, `Unexpected argument "${extra}".`, commandUsage(program, command));

  try {
    await command.run({ args, options: parsed.values, out: io.out, err: io.err });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(io, error.message, commandUsage(program, command));
    if (error instanceof CliError) {
      io.err(error.message);
      return error.exitCode;
    }
    // Not something the user typed: say what failed in one line; the stack only on request.
    io.err(`${command.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.DEBUG && error instanceof Error && error.stack) io.err(error.stack);
    else io.err('(set DEBUG=1 to see the stack trace)');
    return 1;
  }
}

/** Runs the program and ends the process with its exit code (once stdout and stderr are written). */
export async function main(program: ProgramSpec): Promise<void> {
  // `… --help | head` closes the pipe early: that is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode ?? 0);
    });
  }
  process.exitCode = await runCli(program);
}

function help(io: CliIo, text: string): number {
  io.out(text);
  return 0;
}

function usageFailure(io: CliIo, message: string, usage: string): number {
  io.err(`${message}\n\n${usage}`);
  return 2;
}

function parseArgsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Node's messages go on with advice about `--` that does not fit here: keep the first sentence.
  const first = message.split(/\.\s/)[0]!.trim().replace(/\.$/, '');
  return `${first}.`;
}

function argSynopsis(spec: ArgSpec): string {
  return spec.optional ? `[<${spec.name}>]` : `<${spec.name}>`;
}

function optionSynopsis(name: string, spec: OptionSpec): string {
  const flag = spec.type === 'string' ? `--${name} <${spec.value ?? 'value'}>` : `--${name}`;
  return spec.multiple ? `[${flag} …]` : `[${flag}]`;
}

function table(rows: Array<[string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

export function commandSynopsis(program: ProgramSpec, command: CommandSpec): string {
  const parts = [program.invocation, command.name, ...(command.args ?? []).map(argSynopsis), ...Object.entries(command.options ?? {}).map(([name, spec]) => optionSynopsis(name, spec))];
  return parts.join(' ');
}

export function programUsage(program: ProgramSpec): string {
  const lines = [`Usage: ${program.invocation} <command> [options]`, '', program.description, '', 'Commands:'];
  lines.push(
    ...table([
      ...program.commands.map((command): [string, string] => [[command.name, ...(command.args ?? []).map(argSynopsis)].join(' '), command.summary]),
      ['help [<command>]', 'this text, or a command’s'],
    ]),
  );
  lines.push('', `${program.invocation} <command> --help shows a command's options.`);
  if (program.epilogue) lines.push('', program.epilogue);
  return lines.join('\n');
}

export function commandUsage(program: ProgramSpec, command: CommandSpec): string {
  const lines = [`Usage: ${commandSynopsis(program, command)}`, '', command.description ?? command.summary];
  const args = command.args ?? [];
  if (args.length > 0) lines.push('', 'Arguments:', ...table(args.map((spec): [string, string] => [`<${spec.name}>`, spec.description])));
  const options = Object.entries(command.options ?? {}).map(([name, spec]): [string, string] => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` <${spec.value ?? 'value'}>` : ''}`;
    const defaults = spec.default !== undefined && spec.default !== false ? ` (default ${String(spec.default)})` : '';
    return [flag, `${spec.description}${defaults}`];
  });
  options.push(['-h, --help', 'this text']);
  lines.push('', 'Options:', ...table(options));
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((example) => `  ${example}`));
  return lines.join('\n');
}
