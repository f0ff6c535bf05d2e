import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AUTHORIZER_CACHE_SECONDS, type AuthorizerContext } from '../../shared/auth/principal.ts';
import type { ApiEvent } from '../../shared/http/handler.ts';
import { problem } from '../../shared/http/problem.ts';
import type { ResponseSink, StreamingHandler } from '../../shared/http/streaming.ts';
import { DEFAULT_ROUTE_HANDLER, matchRoute, routeKey } from '../../shared/routes.ts';
import { Recent } from '../../shared/runtime/recent.ts';
import { serveDashboard } from './dashboard-site.ts';
import type { LambdaHandler } from './handlers.ts';
import { lambdaContext } from './lambda-context.ts';

/** API Gateway HTTP APIs refuse payloads over 10 MB before any Lambda runs. */
const GATEWAY_MAX_BYTES = 10 * 1024 * 1024;
const TEXT_TYPES = /^(application\/(json|[\w.+-]*\+json|x-www-form-urlencoded|xml)|text\/)/i;

export interface LocalServerOptions {
  loadHandler(name: string): Promise<LambdaHandler>;
  loadModule(name: string): Promise<Record<string, unknown>>;
  /** Called with the name of each function invoked (benchmarks count them). */
  onInvoke?(name: string): void;
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BYTES) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function joinHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function isUtf8(buffer: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the API Gateway HTTP API (payload 2.0) event AWS would build: raw
 * body (base64 when binary), lower-cased headers, comma-joined repeated
 * query parameters, path parameters, route key and request id.
 */
export function toGatewayEvent(req: IncomingMessage, body: Buffer, routeKeyValue: string, pathParameters: Record<string, string> | undefined): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const headers = joinHeaders(req);
  const textual = body.length === 0 || (TEXT_TYPES.test(headers['content-type'] ?? 'application/json') && isUtf8(body));
  const now = new Date();
  const requestId = randomUUID();
  const cookies = req.headers.cookie?.split(';').map((cookie) => cookie.trim());
  return {
    version: '2.0',
    routeKey: routeKeyValue,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(pathParameters && Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: routeKeyValue,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !textual,
  };
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2 | string | undefined): void {
  if (result === undefined || typeof result === 'string') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(result ?? '');
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined);
}

/** Writes a streamed answer to the HTTP response, honouring back-pressure. */
function responseSink(res: ServerResponse): ResponseSink {
  return {
    start: (statusCode, headers) => res.writeHead(statusCode, headers),
    write: (chunk) =>
      new Promise((resolve, reject) => {
        if (res.destroyed) return reject(new Error('client went away'));
        if (res.write(chunk)) resolve();
        else res.once('drain', () => resolve());
      }),
    end: () => new Promise((resolve) => res.end(resolve)),
  };
}

type AuthorizerAnswer = { isAuthorized: boolean; context?: AuthorizerContext };

/**
 * The local stand-in for API Gateway (and, for the dashboard at `/`, for
 * CloudFront): the same route table, the same authorizer and the same
 * handler modules the stack deploys.
 */
export function createLocalServer(options: LocalServerOptions): Server {
  // API Gateway keeps the authorizer's answer for an Authorization header (a request without one never reaches it there).
  const authorizerAnswers = new Recent<AuthorizerAnswer>(AUTHORIZER_CACHE_SECONDS * 1_000, { capacity: 10_000 });
  const invoke = async (name: string, event: unknown, requestId?: string) => {
    options.onInvoke?.(name);
    const handler = await options.loadHandler(name);
    return handler(event, lambdaContext(name, requestId));
  };

  return createServer(async (req, res) => {
    try {
      if (serveDashboard(req, res)) return;
      const body = await readBody(req);
      if (body === 'too_large') {
        send(res, problem(413, 'payload_too_large', 'The body is larger than API Gateway accepts (10 MB).'));
        req.resume();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      let match: ReturnType<typeof matchRoute>;
      try {
        match = matchRoute(req.method ?? 'GET', url.pathname);
      } catch {
        send(res, problem(400, 'invalid_request', 'The path is not valid percent-encoding.'));
        return;
      }
      const event = toGatewayEvent(req, body, match ? routeKey(match.route) : '$default', match?.pathParameters);
      if (match?.route.streaming) {
        // As the function URL on AWS: no authorizer in front, the answer streamed as it is written.
        options.onInvoke?.(match.route.handler);
        const module = await options.loadModule(match.route.handler);
        await (module.stream as StreamingHandler)(event as ApiEvent, responseSink(res), lambdaContext(match.route.handler, event.requestContext.requestId));
        return;
      }
      if (match?.route.access.kind === 'key') {
        const identity = event.headers.authorization ?? '';
        let answer = authorizerAnswers.get(identity);
        if (!answer) {
          answer = (await invoke('authorizer', {
            version: '2.0',
            type: 'REQUEST',
            routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${match.route.method}${match.route.path}`,
            identitySource: [identity],
            routeKey: event.routeKey,
            rawPath: event.rawPath,
            rawQueryString: event.rawQueryString,
            headers: event.headers,
            requestContext: event.requestContext,
          })) as AuthorizerAnswer;
          // Kept from the authorizer's answer on, as API Gateway keeps it: a cached answer used again does not live longer.
          if (identity) authorizerAnswers.set(identity, answer);
        }
        if (!answer.isAuthorized) {
          send(res, problem(403, 'forbidden', 'Forbidden.'));
          return;
        }
        (event.requestContext as { authorizer?: unknown }).authorizer = { lambda: answer.context ?? {} };
      }
      const result = await invoke(match?.route.handler ?? DEFAULT_ROUTE_HANDLER, event, event.requestContext.requestId);
      send(res, result);
    } catch (error) {
      // A handler that throws past its error middleware is what AWS answers with 500.
      console.error(JSON.stringify({ level: 'ERROR', message: 'Unhandled invocation error', error: String((error as Error)?.stack ?? error) }));
      if (!res.headersSent) send(res, problem(500, 'internal', 'An internal error occurred.'));
      else res.end();
    }
  });
}
