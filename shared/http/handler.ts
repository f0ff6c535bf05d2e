import { gunzipSync } from 'node:zlib';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { documentClient } from '../adapters/dynamodb/client.ts';
import { DynamoTenantStore } from '../adapters/dynamodb/tenant-store.ts';
import type { Route } from '../api/route.ts';
import { type AuthorizerContext, resolvePrincipal } from '../auth/principal.ts';
import { isScope, type Scope } from '../auth/scopes.ts';
import { config, perConfiguration } from '../config.ts';
import { BatonError, ForbiddenError, MalformedJsonError, PayloadTooLargeError, UnauthenticatedError, ValidationError } from '../errors.ts';
import { logger } from '../observability/logger.ts';
import { withDeadline } from '../runtime/deadline.ts';
import type { TenantStore } from '../tenants/ports.ts';
import { parseWith, readJson } from './parse.ts';
import { type HttpResult, problemFor } from './problem.ts';

/** 1 MiB: docs/contract.md#errors's body limit, checked before anything is parsed. */
export const MAX_BODY_BYTES = 1024 * 1024;

export type ApiEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { lambda?: Partial<AuthorizerContext> };
  };
};

/** One HTTP request as a handler sees it: the raw event and typed readers. */
export class ApiRequest {
  constructor(readonly event: ApiEvent) {}

  get requestId(): string {
    return this.event.requestContext.requestId;
  }

  header(name: string): string | undefined {
    return this.event.headers[name.toLowerCase()];
  }

  /** The body's bytes. A text body with a lone surrogate cannot have come from UTF-8: refused rather than repaired. */
  rawBody(): Buffer {
    const body = this.event.body ?? '';
    if (!this.event.isBase64Encoded && !(body as string & { isWellFormed(): boolean }).isWellFormed()) {
      throw new MalformedJsonError('The body is not valid UTF-8.', [{ path: '', message: 'the body holds a lone surrogate', code: 'invalid_utf8' }]);
    }
    return Buffer.from(body, this.event.isBase64Encoded ? 'base64' : 'utf8');
  }

  /**
   * The body's bytes as sent, before `Content-Encoding: gzip` (the only
   * encoding taken): a file too large for a request's payload may come
   * compressed, up to `maxDecodedBytes` once decoded.
   */
  decodedBody(maxDecodedBytes: number): Buffer {
    const encoding = (this.header('content-encoding') ?? 'identity').trim().toLowerCase();
    if (encoding === 'identity') return this.rawBody();
    if (encoding !== 'gzip')
      throw new ValidationError(`Content-Encoding ${encoding} is not taken: send the file as it is, or gzip-compressed.`, [
        { path: 'header.content-encoding', message: 'identity or gzip', code: 'invalid_value' },
      ]);
    try {
      return gunzipSync(this.rawBody(), { maxOutputLength: maxDecodedBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new PayloadTooLargeError(maxDecodedBytes);
      throw new ValidationError('The body is not valid gzip.', [{ path: 'body', message: (error as Error).message, code: 'invalid_gzip' }]);
    }
  }

  /**
   * The JSON body validated by `schema`: 400 with zod paths otherwise. The raw
   * bytes are read strictly (`readJson`): invalid UTF-8, a repeated key or a
   * lone surrogate escape is a 400 `malformed_json` saying where.
   */
  json<S extends z.ZodType>(schema: S): z.infer<S> {
    return parseWith(schema, readJson(this.rawBody()), 'body');
  }

  query<S extends z.ZodType>(schema: S): z.infer<S> {
    return parseWith(schema, this.event.queryStringParameters ?? {}, 'query');
  }

  params<S extends z.ZodType>(schema: S): z.infer<S> {
    return parseWith(schema, this.event.pathParameters ?? {}, 'path');
  }
}

/** A request that passed key authentication: the tenant comes from the key. */
export class TenantRequest extends ApiRequest {
  constructor(
    event: ApiEvent,
    readonly tenantId: string,
    readonly scopes: readonly Scope[],
  ) {
    super(event);
  }
}

/** docs/contract.md#errors's 1 MiB limit (or the route's own), counted in bytes of the decoded body. */
export function assertBodySize(event: ApiEvent, limit = MAX_BODY_BYTES): void {
  const body = event.body ?? '';
  const bytes = event.isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body, 'utf8');
  if (bytes > limit) throw new PayloadTooLargeError(limit);
}

function bodyLimit(limit: number | undefined): MiddlewareObj<ApiEvent, HttpResult> {
  return { before: ({ event }) => assertBodySize(event, limit) };
}

/** The problem answer for a thrown error, logged once: as an error when the client did not cause it. */
export function answerError(error: unknown, requestId: string): HttpResult {
  const response = problemFor(error, requestId);
  if (response.statusCode >= 500) logger.error('Request failed', { requestId, error: error as Error });
  else if (error instanceof BatonError) logger.info('Request rejected', { requestId, status: response.statusCode, code: error.code });
  return response;
}

/** Maps every thrown error to a problem body. */
function problems(): MiddlewareObj<ApiEvent, HttpResult> {
  return {
    onError: (request) => {
      request.response = answerError(request.error, request.event.requestContext?.requestId ?? request.context.awsRequestId);
    },
  };
}

/**
 * The principal of a key route. The authorizer's answer is cached per key
 * (not per route), so it hands over the key's scopes and the scope check
 * happens here, against this route's scopes.
 */
export function authorize(context: Partial<AuthorizerContext> | undefined, allowed: readonly Scope[]): { tenantId: string; scopes: Scope[] } {
  const tenantId = context?.tenantId;
  if (!tenantId) throw new UnauthenticatedError('A valid API key is required: Authorization: Bearer <key>.');
  const scopes = (context.scopes ?? '').split(' ').filter(isScope);
  if (!scopes.some((scope) => allowed.includes(scope))) {
    throw new ForbiddenError(`This key lacks the scope this route needs (${allowed.join(' or ')}).`);
  }
  return { tenantId, scopes };
}

/** What a request may spend before it answers 503: the route's or the configured budget, within what Lambda has left. */
function requestBudget(context: Context | undefined, budgetSeconds: number | undefined): number {
  const left = context?.getRemainingTimeInMillis?.() ?? Infinity;
  return Math.min(budgetSeconds === undefined ? config().REQUEST_BUDGET_MS : budgetSeconds * 1000, left - 1_000);
}

function chain<R extends ApiRequest>(toRequest: (event: ApiEvent) => R | Promise<R>, fn: (request: R) => Promise<HttpResult>, limits: Pick<Route, 'maxBodyBytes' | 'budgetSeconds'> = {}) {
  return middy<ApiEvent, HttpResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(problems())
    .use(bodyLimit(limits.maxBodyBytes))
    .handler(async (event, context) => {
      logger.appendKeys({ requestId: event.requestContext.requestId });
      return withDeadline(requestBudget(context, limits.budgetSeconds), async () => fn(await toRequest(event)));
    });
}

/**
 * The tenant store on its own: where a route looks a key up itself when the
 * authorizer could not, and all that routes reading only the tenant need
 * (their bundles leave the other stores out).
 */
export const tenantStore: () => TenantStore = perConfiguration(() => new DynamoTenantStore(documentClient(), config().TABLE_NAME));

type KeyRoute = Pick<Route, 'handler' | 'maxBodyBytes' | 'budgetSeconds'> & { access: { kind: 'key'; scopes: readonly Scope[] } };
type OpenRoute = { access: { kind: Exclude<Route['access']['kind'], 'key'> } };

/** A handler for a route that takes an API key, of one of the route's scopes. */
export function keyHandler(route: KeyRoute, fn: (request: TenantRequest) => Promise<HttpResult>, options: { tenants?: TenantStore } = {}) {
  if (route.access.kind !== 'key') throw new Error(`Route of "${route.handler}" is not a key route`);
  const allowed = route.access.scopes;
  return chain(
    async (event) => {
      let principal = event.requestContext.authorizer?.lambda;
      if (principal?.deferred) principal = await resolvePrincipal(options.tenants ?? tenantStore(), event.headers.authorization);
      const { tenantId, scopes } = authorize(principal, allowed);
      logger.appendKeys({ tenantId });
      return new TenantRequest(event, tenantId, scopes);
    },
    fn,
    route,
  );
}

/** A handler for a public, publishable or webhook route: no API key (webhooks verify signatures, collection its publishable key). */
export function openHandler(_route: OpenRoute, fn: (request: ApiRequest) => Promise<HttpResult>) {
  return chain((event) => new ApiRequest(event), fn);
}
