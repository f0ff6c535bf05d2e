import '../../scripts/local/quiet-sdk.ts';
import type { TestProject } from 'vitest/node';
import { assertJava, ensureEmulator } from '../../scripts/local/dynamodb-local.ts';
import { DynamoDbBroker } from './dynamodb-broker.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbBroker: string;
  }
}

/**
 * Once per run, before any file: Java is there (or the run stops saying how to get it), and the DynamoDB
 * Local jar is fetched into .cache/ once rather than by several files at a time. The integration files
 * borrow their DynamoDB Local from a broker in this process (dynamodb-broker.ts, integration-setup.ts).
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  assertJava();
  ensureEmulator();
  if (project.name !== 'integration') return undefined;
  const broker = new DynamoDbBroker();
  project.provide('dynamodbBroker', await broker.listen());
  return () => broker.close();
}
