import * as z from 'zod';
import type { Scope } from '../auth/scopes.ts';
import { type HttpResult, json } from '../http/problem.ts';
import { GatewayMessageSchema, ProblemSchema } from './responses/common.ts';

/**
 * How a route is let in:
 * - `key`: `Authorization: Bearer <key>` of one of `scopes` (401 / 403 otherwise);
 * - `webhook`: the tenant is in the path and the provider's signature over
 *   the raw body is checked by the handler;
 * - `publishable`: the publishable key in the body (or `?key=`), checked by
 *   the handler with the tenant's allowed origins: web pages call it;
 * - `public`: no credentials (health check, tracker script).
 */
export type RouteAccess = { kind: 'key'; scopes: readonly Scope[] } | { kind: 'webhook' } | { kind: 'publishable' } | { kind: 'public' };

/** One answer of a route: JSON (its schema), or text of the content types listed. */
export interface ResponseDeclaration {
  description: string;
  schema?: z.ZodType;
  /** A CSV download, a script, NDJSON lines: their content types. */
  text?: readonly string[];
}

/**
 * One HTTP route, declared once in its module (`shared/api/routes/`): the
 * stack, the local server, the OpenAPI document, the functions' grants and
 * the dashboard's types are derived from these.
 */
export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'OPTIONS';
  /** API Gateway path syntax: `/v1/transactions/{transactionId}` */
  path: string;
  /** The Lambda entry: `functions/<handler>.ts`, exporting the route module's `handler`. */
  handler: string;
  access: RouteAccess;
  summary: string;
  /**
   * Answered as a stream: on AWS by the function's URL in response-streaming
   * mode rather than through API Gateway (which buffers up to 6 MB).
   */
  streaming?: boolean;
  /** The largest body taken, in bytes, when not docs/contract.md#errors's 1 MiB (a spend file). */
  maxBodyBytes?: number;
  /** How long the request may work before 503, when not the configured REQUEST_BUDGET_MS; its function's timeout is a second more. */
  budgetSeconds?: number;
  /** What the function may do to the table; nothing when absent. */
  table?: 'read' | 'readWrite';
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The route's own answers by status; `responsesOf` adds the errors every route may answer. */
  responses: Readonly<Record<number, ResponseDeclaration>>;
}

/** A route declaration, its literal types kept so `respond` can type each answer by its schema. */
export function defineRoute<const R extends Route>(route: R): R {
  return route;
}

type JsonBodies<R extends Route> = {
  [S in keyof R['responses'] & number as R['responses'][S] extends { schema: z.ZodType } ? S : never]: R['responses'][S] extends { schema: infer T extends z.ZodType } ? z.input<T> : never;
};

/** The JSON answer `status` of `route`: the body must be what the route's response schema for that status accepts. */
export function respond<R extends Route, S extends keyof JsonBodies<R>>(_route: R, status: S, body: JsonBodies<R>[S], headers?: Record<string, string>): HttpResult {
  return json(status as number, body, headers);
}

const itemSchemas = new WeakMap<object, z.ZodType>();

/**
 * An item of a batch that the use case validates on its own, so a bad item
 * is rejected with its index while the good ones are stored: the envelope
 * takes any item, and the OpenAPI document shows `item`'s schema.
 */
export function checkedOneByOne(item: z.ZodType): z.ZodUnknown {
  const anyItem = z.unknown();
  itemSchemas.set(anyItem, item);
  return anyItem;
}

/** The schema `checkedOneByOne` documents for this item, if it made it. */
export function documentedItem(schema: object): z.ZodType | undefined {
  return itemSchemas.get(schema);
}

const COMMON_ERRORS: Readonly<Record<number, ResponseDeclaration>> = {
  400: { description: 'Malformed or invalid input', schema: ProblemSchema },
  404: { description: 'Unknown id (also for another tenant’s id)', schema: ProblemSchema },
  413: { description: 'Body over 1 MiB', schema: ProblemSchema },
  429: { description: 'Throttled by API Gateway, which answers with a body of its own', schema: GatewayMessageSchema },
  500: { description: 'An unexpected error: a generic message and the request id to quote (the detail is logged)', schema: ProblemSchema },
  503: { description: 'The store kept throttling after retries; see Retry-After', schema: ProblemSchema },
};

const ACCESS_ERRORS: Record<RouteAccess['kind'], Readonly<Record<number, string>>> = {
  key: { 401: 'Missing or unknown key', 403: 'The key lacks the scope' },
  webhook: { 401: 'Missing, wrong or stale signature' },
  publishable: { 401: 'Unknown or rotated publishable key', 403: 'The request’s Origin is not one of the tenant’s allowedOrigins (no CORS headers)' },
  public: {},
};

/** Every answer a route may give: its own, and the errors every route of its access may answer (problem bodies). */
export function responsesOf(route: Pick<Route, 'access' | 'responses'>): Record<number, ResponseDeclaration> {
  const access = Object.entries(ACCESS_ERRORS[route.access.kind]).map(([status, description]) => [status, { description, schema: ProblemSchema }]);
  return { ...COMMON_ERRORS, ...Object.fromEntries(access), ...route.responses };
}
