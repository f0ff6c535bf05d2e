import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { lineWriter, type ProgramSpec, runCli } from '../../scripts/cli.ts';
import type { ProgressStream } from '../../scripts/spend/progress.ts';

/** The project's root, where `npm run <script>` runs. */
export const PROJECT_ROOT = join(import.meta.dirname, '..', '..');

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `node --import tsx scripts/<script>.ts <args>` from the project's root, as
 * `npm run <script> -- <args>` runs it: for what only a process shows (its
 * exit code, its streams, its imports). `env` is the whole environment.
 */
export async function runScript(script: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ProcessResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

/** The environment without the table this test process is pointed at: what a fresh shell has. */
export function withoutTable(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const base = { ...process.env };
  delete base.TABLE_NAME;
  delete base.DYNAMODB_ENDPOINT;
  return { ...base, ...env };
}

/**
 * A CLI program run in this process, as its script runs it in its own: `scripts/<name>.ts` is nothing but
 * `main(program)`, and main() makes runCli's answer the exit code and writes each text to stdout or stderr
 * ending in a newline. A `program` given as a function gets the stream it writes its summaries and progress to
 * (stderr in a process): what it writes there is in `stderr` too. A process costs about 1.5 CPU-seconds to start; what only
 * a process shows (exit codes, streams, imports) is tested with `runScript`.
 */
export async function runProgram(
  program: ProgramSpec | ((stderr: ProgressStream) => ProgramSpec),
  args: readonly string[],
  options: { tty?: boolean } = {},
): Promise<ProcessResult & { code: number }> {
  let stdout = '';
  let stderr = '';
  const spec = typeof program === 'function' ? program({ write: (text: string) => void (stderr += text), isTTY: options.tty ?? false }) : program;
  const code = await runCli(spec, args, { out: lineWriter((text) => void (stdout += text)), err: lineWriter((text) => void (stderr += text)) });
  return { code, stdout, stderr };
}
