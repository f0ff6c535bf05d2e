import type { Context } from 'aws-lambda';
import { bearerToken, hashApiKey } from '../auth/keys.ts';
import { BatonError, ForbiddenError, PayloadTooLargeError, UnauthenticatedError } from '../errors.ts';
import { logger } from '../observability/logger.ts';
import { routes } from '../routes.ts';
import type { TenantStore } from '../tenants/ports.ts';
import { TenantRequest, MAX_BODY_BYTES, type ApiEvent } from './handler.ts';
import { problemFor } from './problem.ts';

/** Where a streamed response goes: Lambda's response stream on AWS, the HTTP response locally. */
export interface ResponseSink {
  start(statusCode: number, headers: Record<string, string>): void;
  /** Resolves when the chunk may be followed by the next (back-pressure). */
  write(chunk: string): Promise<void>;
  end(): Promise<void>;
}

export interface StreamedAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: AsyncIterable<string>;
}

export type StreamingHandler = (event: ApiEvent, sink: ResponseSink, context?: Context) => Promise<void>;

/**
 * A key route whose answer is streamed. It is served by a Lambda function
 * URL in response-streaming mode (API Gateway HTTP APIs buffer responses),
 * so no authorizer runs in front: the key is checked here, against the
 * same stored hashes, with the same 401/403 and problem bodies.
 */
export function streamingKeyHandler(handlerName: string, tenants: TenantStore, fn: (request: TenantRequest) => Promise<StreamedAnswer>): StreamingHandler {
  const route = routes.find((candidate) => candidate.handler === handlerName);
  if (!route || route.access.kind !== 'key' || !route.streaming) throw new Error(`"${handlerName}" is not a streaming key route`);
  const allowed = route.access.scopes;
  return async (event, sink) => {
    const requestId = event.requestContext?.requestId ?? 'unknown';
    let answer: StreamedAnswer;
    try {
      if (Buffer.byteLength(event.body ?? '') > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
      const key = bearerToken(event.headers?.authorization);
      const record = key ? await tenants.findApiKey(hashApiKey(key)) : undefined;
      if (!record) throw new UnauthenticatedError('A valid API key is required: Authorization: Bearer <key>.');
      if (!allowed.includes(record.scope)) throw new ForbiddenError(`This key lacks the scope this route needs (${allowed.join(' or ')}).`);
      answer = await fn(new TenantRequest(event, record.tenantId, [record.scope]));
    } catch (error) {
      const response = problemFor(error, requestId);
      if (response.statusCode >= 500) logger.error('Request failed', { requestId, error: error as Error });
      else if (error instanceof BatonError) logger.info('Request rejected', { requestId, status: response.statusCode, code: error.code });
      sink.start(response.statusCode, response.headers);
      await sink.write(response.body as string);
      await sink.end();
      return;
    }
    sink.start(answer.statusCode, answer.headers);
    try {
      for await (const chunk of answer.body) await sink.write(chunk);
    } catch (error) {
      // Headers are gone: the body ends short, and the log says why.
      logger.error('Streaming failed after the response started', { requestId, error: error as Error });
    }
    await sink.end();
  };
}
