import { localEnv } from './env.ts';

/**
 * The table a command-line tool works on, set in the environment before the
 * shared modules read their configuration: the local one (`npm start`'s
 * DynamoDB Local) by default, a deployed one when TABLE_NAME is set without
 * DYNAMODB_ENDPOINT (AWS credentials and AWS_REGION from the usual places).
 */
export function useTableFromEnvironment(env: NodeJS.ProcessEnv = process.env): { deployed: boolean } {
  const deployed = env.TABLE_NAME !== undefined && env.DYNAMODB_ENDPOINT === undefined;
  if (!deployed) {
    const local = localEnv(env);
    env.TABLE_NAME = local.TABLE_NAME;
    env.DYNAMODB_ENDPOINT ??= `http://127.0.0.1:${local.DYNAMODB_LOCAL_PORT}`;
  }
  return { deployed };
}

/**
 * Whether an error says nothing listens at the endpoint (DynamoDB Local not
 * started), however deep the SDK and the store adapter have wrapped it.
 */
export function isConnectionRefused(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 10; depth += 1) {
    const withCode = current as { code?: string; errors?: Array<{ code?: string }>; cause?: unknown };
    if (withCode.code === 'ECONNREFUSED' || (withCode.errors ?? []).some((inner) => inner?.code === 'ECONNREFUSED') || String(current).includes('ECONNREFUSED')) return true;
    current = withCode.cause;
  }
  return false;
}

export function dynamoDbLocalNotRunning(endpoint: string | undefined): string {
  return `DynamoDB Local is not running at ${endpoint}. Start Baton first: npm start`;
}
