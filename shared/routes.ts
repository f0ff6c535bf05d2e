import type { Scope } from './auth/scopes.ts';

/**
 * How a route is let in:
 * - `key`: `Authorization: Bearer <key>` of one of `scopes` (401 / 403 otherwise);
 * - `webhook`: the tenant is in the path and the provider's signature over
 *   the raw body is checked by the handler;
 * - `public`: no credentials (health check).
 */
export type RouteAccess =
  | { kind: 'key'; scopes: readonly Scope[] }
  | { kind: 'webhook' }
  /** The publishable key in the body (or `?key=`), checked by the handler with the tenant's allowed origins: web pages call it. */
  | { kind: 'publishable' }
  | { kind: 'public' };

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'OPTIONS';
  /** API Gateway path syntax: `/v1/transactions/{transactionId}` */
  path: string;
  /** The Lambda entry: `functions/<handler>.ts`, exporting `handler`. */
  handler: string;
  access: RouteAccess;
  summary: string;
  /**
   * Answered as a stream: on AWS by the function's URL in response-streaming
   * mode rather than through API Gateway (which buffers up to 6 MB).
   */
  streaming?: boolean;
}

/**
 * Every HTTP route, declared once: the stack creates one API Gateway route
 * and one Lambda per handler from it, and the local server dispatches with it.
 */
export const routes: readonly Route[] = [
  { method: 'GET', path: '/v1/health', handler: 'health', access: { kind: 'public' }, summary: 'Liveness and DynamoDB reachability' },
  {
    method: 'GET',
    path: '/v1/me',
    handler: 'get-me',
    access: { kind: 'key', scopes: ['ingest', 'marketing', 'finance', 'admin'] },
    summary: 'The calling key: its tenant, its scope, the tenant’s currency and time zone',
  },
  { method: 'GET', path: '/v1/config', handler: 'get-config', access: { kind: 'key', scopes: ['admin'] }, summary: "The tenant's attribution configuration" },
  { method: 'PATCH', path: '/v1/config', handler: 'patch-config', access: { kind: 'key', scopes: ['admin'] }, summary: 'Change the fields of the configuration it names' },
  { method: 'POST', path: '/v1/touches', handler: 'post-touches', access: { kind: 'key', scopes: ['ingest'] }, summary: 'Record up to 500 marketing and sales touches' },
  { method: 'POST', path: '/v1/stages', handler: 'post-stages', access: { kind: 'key', scopes: ['ingest'] }, summary: 'Record funnel milestones: lead, qualified, disqualified' },
  { method: 'POST', path: '/v1/identify', handler: 'post-identify', access: { kind: 'key', scopes: ['ingest'] }, summary: 'Link an anonymous id to a customer id or email' },
  { method: 'POST', path: '/v1/transactions', handler: 'post-transactions', access: { kind: 'key', scopes: ['ingest'] }, summary: 'Record an order, refund or cancellation' },
  { method: 'POST', path: '/v1/spend', handler: 'post-spend', access: { kind: 'key', scopes: ['ingest'] }, summary: 'Record what campaigns cost per day; reports then show cost, ROAS and CPA' },
  {
    method: 'GET',
    path: '/v1/transactions/{transactionId}/attribution',
    handler: 'get-attribution',
    access: { kind: 'key', scopes: ['marketing'] },
    summary: 'Where marketing ended and the sale began, and the credits under every heuristic model',
  },
  {
    method: 'GET',
    path: '/v1/attribution/report',
    handler: 'get-report',
    access: { kind: 'key', scopes: ['marketing'] },
    summary: 'Revenue, conversions and touches by channel, campaign, source/medium or kind under one model',
  },
  { method: 'GET', path: '/v1/attribution/compare', handler: 'get-compare', access: { kind: 'key', scopes: ['marketing'] }, summary: 'Every heuristic model side by side' },
  {
    method: 'GET',
    path: '/v1/attribution/paths',
    handler: 'get-paths',
    access: { kind: 'key', scopes: ['marketing'] },
    summary: 'Top channel paths of the period’s orders, path-length and time-lag histograms',
  },
  {
    method: 'GET',
    path: '/v1/funnel',
    handler: 'get-funnel',
    access: { kind: 'key', scopes: ['marketing'] },
    summary: 'The 360° feedback loop: people by the campaign that acquired them, and what became of them',
  },
  {
    method: 'GET',
    path: '/v1/handoffs',
    handler: 'get-handoffs',
    access: { kind: 'key', scopes: ['marketing'] },
    summary: 'How sales picks up the baton: qualified, contacted, within the SLA, how fast, and the dropped batons',
  },
  { method: 'GET', path: '/v1/sales/report', handler: 'get-sales-report', access: { kind: 'key', scopes: ['marketing'] }, summary: 'The sales credit of the period by rep or sales channel' },
  {
    method: 'POST',
    path: '/v1/attribution/recompute',
    handler: 'post-recompute',
    access: { kind: 'key', scopes: ['admin'] },
    summary: 'Start a job that re-projects a period under the current config, a day per task',
  },
  { method: 'GET', path: '/v1/jobs/{jobId}', handler: 'get-job', access: { kind: 'key', scopes: ['admin'] }, summary: 'A job and its progress' },
  { method: 'GET', path: '/v1/transactions/{transactionId}', handler: 'get-transaction', access: { kind: 'key', scopes: ['marketing', 'finance'] }, summary: 'A stored transaction' },
  {
    method: 'DELETE',
    path: '/v1/people',
    handler: 'delete-people',
    access: { kind: 'key', scopes: ['admin'] },
    summary: 'Erase a person: every touch, stage, link, URL and hash of theirs; their transactions stay, the person removed',
  },
  { method: 'GET', path: '/v1/erasures', handler: 'get-erasures', access: { kind: 'key', scopes: ['admin'] }, summary: 'The erasure log: when, which ids (as keyed hashes), how many records' },
  {
    method: 'GET',
    path: '/v1/people/journey',
    handler: 'get-journey',
    access: { kind: 'key', scopes: ['marketing'] },
    summary: "A person's linked ids, touches, stages and transactions in time order",
  },
  {
    method: 'GET',
    path: '/v1/exports/transactions',
    handler: 'export-transactions',
    access: { kind: 'key', scopes: ['finance'] },
    summary: 'One line per order, refund and cancellation, CSV or NDJSON, streamed',
    streaming: true,
  },
  { method: 'GET', path: '/v1/exports/transactions/summary', handler: 'export-summary', access: { kind: 'key', scopes: ['finance'] }, summary: 'Per currency, the sums of the export’s lines' },
  { method: 'POST', path: '/v1/webhooks/{provider}/{tenantId}', handler: 'post-webhook', access: { kind: 'webhook' }, summary: 'Shopify, WooCommerce, Stripe or signed generic webhooks' },
  { method: 'POST', path: '/v1/collect', handler: 'collect', access: { kind: 'publishable' }, summary: 'Events from a storefront’s browser (publishable key): campaign pages, identify, checkout' },
  { method: 'OPTIONS', path: '/v1/collect', handler: 'collect', access: { kind: 'publishable' }, summary: 'CORS preflight for the tenant’s allowed origins (`?key=` names the tenant)' },
  { method: 'GET', path: '/v1/baton.js', handler: 'get-tracker', access: { kind: 'public' }, summary: 'The browser tracker, with the settings of the publishable key in `?key=`' },
];

/** Serves API Gateway's `$default` route: whatever no route above matched. */
export const DEFAULT_ROUTE_HANDLER = 'not-found';

/** The handlers that serve routes, each once, the default route's included. */
export function routeHandlers(): string[] {
  return [...new Set([...routes.map((route) => route.handler), DEFAULT_ROUTE_HANDLER])];
}

/** `GET /v1/transactions/{transactionId}` — the API Gateway route key. */
export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

export interface RouteMatch {
  route: Route;
  pathParameters: Record<string, string>;
}

const compiled = new Map<Route, RegExp>();

function pattern(route: Route): RegExp {
  let regex = compiled.get(route);
  if (!regex) {
    const source = route.path
      .split('/')
      .map((segment) => (/^\{\w+\}$/.test(segment) ? `(?<${segment.slice(1, -1)}>[^/]+)` : segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
      .join('/');
    regex = new RegExp(`^${source}$`);
    compiled.set(route, regex);
  }
  return regex;
}

/** The route for a method and path, as API Gateway would choose it. */
export function matchRoute(method: string, path: string): RouteMatch | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = pattern(route).exec(path);
    if (!match) continue;
    const pathParameters: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.groups ?? {})) {
      pathParameters[name] = decodeURIComponent(value);
    }
    return { route, pathParameters };
  }
  return undefined;
}
