import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config, perConfiguration } from '../../config.ts';
import { StoreUnavailableError } from '../../errors.ts';
import { remainingMs } from '../../runtime/deadline.ts';

/** Errors that mean "the store is busy or out of reach", not "the request is wrong". */
const UNAVAILABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'NetworkingError',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH']);

/** Seconds a client should wait after the store kept throttling or stalled. */
export const STORE_RETRY_AFTER_SECONDS = 2;

function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, $metadata } = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  return UNAVAILABLE.has(error.name) || (code !== undefined && NETWORK_CODES.has(code)) || ($metadata?.httpStatusCode ?? 0) >= 500;
}

const unavailable = (cause?: unknown) => new StoreUnavailableError('The data store is busy or not answering; retry shortly.', STORE_RETRY_AFTER_SECONDS, { cause });

/**
 * A document client that answers in bounded time:
 * - each attempt is cut off after `requestTimeoutMs` (the SDK then retries,
 *   up to `maxAttempts`, reusing the transaction's idempotency token);
 * - no call outlives the current request's deadline (`runtime/deadline.ts`);
 * - throttling, timeouts and unreachable stores surface as the domain's
 *   StoreUnavailableError (503 + Retry-After at the HTTP edge).
 * The SDK has no shared base class for these errors, so they are matched by
 * name here, in the one adapter that talks to DynamoDB.
 */
export function createDocumentClient(options: { endpoint?: string; region?: string; maxAttempts?: number; requestTimeoutMs?: number } = {}): DynamoDBDocumentClient {
  const env = config();
  const endpoint = options.endpoint ?? env.DYNAMODB_ENDPOINT;
  const requestTimeout = options.requestTimeoutMs ?? env.DYNAMODB_REQUEST_TIMEOUT_MS;
  const client = new DynamoDBClient({
    region: options.region ?? env.AWS_REGION,
    maxAttempts: options.maxAttempts ?? 3,
    // Without throwOnRequestTimeout the SDK only warns when an attempt outlives requestTimeout, and lets it run on.
    requestHandler: { requestTimeout, connectionTimeout: Math.min(1_000, requestTimeout), throwOnRequestTimeout: true },
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      const left = remainingMs();
      if (left <= 0) throw unavailable();
      let timer: NodeJS.Timeout | undefined;
      try {
        const call = next(args);
        if (left === Infinity) return await call;
        // The deadline wins over a stalled store: the late answer is dropped (writes are conditional, so a late write is harmless).
        call.catch(() => undefined);
        return await Promise.race([call, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(unavailable()), left)))]);
      } catch (error) {
        if (error instanceof StoreUnavailableError) throw error;
        if (isUnavailable(error)) throw unavailable(error);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    { step: 'initialize', name: 'batonStoreUnavailable', override: true },
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** The module-wide client, created on first use and reused across invocations. */
export const documentClient: () => DynamoDBDocumentClient = perConfiguration(() => createDocumentClient());
