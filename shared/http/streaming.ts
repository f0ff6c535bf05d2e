import type { Context } from 'aws-lambda';
import { resolvePrincipal } from '../auth/principal.ts';
import { logger } from '../observability/logger.ts';
import { routes } from '../routes.ts';
import type { TenantStore } from '../tenants/ports.ts';
import { type ApiEvent, answerError, assertBodySize, authorize, TenantRequest } from './handler.ts';

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
  if (route?.access.kind !== 'key' || !route.streaming) throw new Error(`"${handlerName}" is not a streaming key route`);
  const allowed = route.access.scopes;
  return async (event, sink) => {
    const requestId = event.requestContext?.requestId ?? 'unknown';
    let answer: StreamedAnswer;
    try {
      assertBodySize(event);
      const { tenantId, scopes } = authorize(await resolvePrincipal(tenants, event.headers?.authorization), allowed);
      answer = await fn(new TenantRequest(event, tenantId, scopes));
    } catch (error) {
      const response = answerError(error, requestId);
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
