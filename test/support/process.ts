import { spawn } from 'node:child_process';
import { join } from 'node:path';

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
