import { assertJava, ensureEmulator } from '../../scripts/local/dynamodb-local.ts';

/**
 * Once per run, before any file: Java is there (or the run stops saying how to get it), and the DynamoDB
 * Local jar is fetched into .cache/ once rather than by several files at a time. Each file then starts
 * its own in-memory instance (integration-setup.ts).
 */
export default function setup(): void {
  assertJava();
  ensureEmulator();
}
