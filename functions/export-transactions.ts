import type { Writable } from 'node:stream';
import type { Context } from 'aws-lambda';
import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { ExportQuerySchema, exportTransactions } from '#shared/exports/export.ts';
import type { ApiEvent } from '#shared/http/handler.ts';
import { type ResponseSink, streamingKeyHandler } from '#shared/http/streaming.ts';
import { requireTenant } from '#shared/tenants/use-cases.ts';

const deps = stores();

/** The export, written to a sink as DynamoDB pages arrive (the local server mounts this). */
export const stream = streamingKeyHandler('export-transactions', deps.tenants, async (request) => {
  const query = request.query(ExportQuerySchema);
  const page = await exportTransactions(deps.timeline, await requireTenant(deps.tenants, request.tenantId), query);
  return {
    statusCode: 200,
    headers: {
      'content-type': page.contentType,
      'content-disposition': page.contentDisposition,
      'cache-control': 'no-store',
      ...(page.nextCursor ? { 'x-next-cursor': page.nextCursor } : {}),
    },
    body: page.body,
  };
});

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

/** The function URL's handler (invoke mode RESPONSE_STREAM). */
export const handler =
  typeof awslambda === 'undefined' || typeof awslambda.streamifyResponse !== 'function'
    ? undefined
    : awslambda.streamifyResponse((event, responseStream, context) => stream(event, lambdaSink(responseStream), context));
