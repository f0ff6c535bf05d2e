import type { TestProject } from 'vitest/node';
import { assertJava, ensureEmulator, type RunningDynamoDbLocal, startDynamoDbLocal } from '../../scripts/local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

let dynamodb: RunningDynamoDbLocal | undefined;

/**
 * Once per run, before any file: Java is there (or the run stops saying how to get it), the DynamoDB
 * Local jar is in .cache/, and one in-memory DynamoDB Local serves the run. Each file works on a table
 * of its own and deletes it when done (integration-setup.ts), so no file sees another's items or
 * stream and the instance's heap does not grow with the run; starting one instance per file cost
 * about 3.4 s a file.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  assertJava();
  ensureEmulator();
  dynamodb = await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  return async () => {
    await dynamodb?.stop();
  };
}
