import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../../config.ts';
import { StoreUnavailableError } from '../../errors.ts';

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
]);

/** Seconds a client should wait after the store kept throttling. */
export const STORE_RETRY_AFTER_SECONDS = 2;

/**
 * A document client whose throttling errors, once the SDK's own retries are
 * spent, surface as the domain's StoreUnavailableError (→ 503 + Retry-After).
 * The SDK has no shared base class for these, so they are matched by name
 * here, in the one adapter that talks to DynamoDB.
 */
export function createDocumentClient(options: { endpoint?: string; region?: string; maxAttempts?: number } = {}): DynamoDBDocumentClient {
  const env = config();
  const endpoint = options.endpoint ?? env.DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient({
    region: options.region ?? env.AWS_REGION,
    maxAttempts: options.maxAttempts ?? 4,
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (error instanceof Error && THROTTLING.has(error.name)) {
          throw new StoreUnavailableError('The data store is busy; retry shortly.', STORE_RETRY_AFTER_SECONDS, { cause: error });
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'batonStoreUnavailable', override: true },
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

let shared: DynamoDBDocumentClient | undefined;

/** The module-wide client, created on first use and reused across invocations. */
export function documentClient(): DynamoDBDocumentClient {
  shared ??= createDocumentClient();
  return shared;
}
