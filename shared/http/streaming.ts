import type { Writable } from 'node:stream';
import type { Context } from 'aws-lambda';
import { resolvePrincipal } from '../auth/principal.ts';
import type { Scope } from '../auth/scopes.ts';
import { logger } from '../observability/logger.ts';
import type { TenantStore } from '../tenants/ports.ts';
import { type ApiEvent, answerError, assertBodySize, authorize, TenantRequest, tenantStore } from './handler.ts';

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
export function streamingKeyHandler(
  route: { access: { kind: 'key'; scopes: readonly Scope[] } },
  fn: (request: TenantRequest) => Promise<StreamedAnswer>,
  options: { tenants?: TenantStore } = {},
): StreamingHandler {
  const allowed = route.access.scopes;
  return async (event, sink) => {
    const requestId = event.requestContext?.requestId ?? 'unknown';
    let answer: StreamedAnswer;
    try {
      assertBodySize(event);
      const { tenantId, scopes } = authorize(await resolvePrincipal(options.tenants ?? tenantStore(), event.headers?.authorization), allowed);
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

/** Lambda's response streaming API, present in the Lambda runtime only. */
declare const awslambda:
  | {
      streamifyResponse(handler: (event: ApiEvent, responseStream: Writable, context: Context) => Promise<void>): unknown;
      HttpResponseStream: { from(stream: Writable, metadata: { statusCode: number; headers: Record<string, string> }): Writable };
    }
  | undefined;

function lambdaSink(responseStream: Writable): ResponseSink {
  let out = responseStream;
  return {
    start: (statusCode, headers) => {
      out = awslambda!.HttpResponseStream.from(responseStream, { statusCode, headers });
    },
    write: (chunk) => new Promise((resolve, reject) => out.write(chunk, (error) => (error ? reject(error) : resolve()))),
    end: () => new Promise((resolve) => out.end(resolve)),
  };
}

/**
 * The function URL's handler (invoke mode RESPONSE_STREAM) for a streaming
 * handler; undefined outside the Lambda runtime, whose `awslambda` global it
 * needs when the entry module loads.
 */
export function streamifiedHandler(stream: StreamingHandler): unknown {
  if (typeof awslambda === 'undefined' || typeof awslambda.streamifyResponse !== 'function') return undefined;
  return awslambda.streamifyResponse((event, responseStream, context) => stream(event, lambdaSink(responseStream), context));
}
