import type { Route } from './api/route.ts';
import { route as collect } from './api/routes/collect.ts';
import { route as collectPreflight } from './api/routes/collect-preflight.ts';
import { route as deletePeople } from './api/routes/delete-people.ts';
import { route as exportCustomers } from './api/routes/export-customers.ts';
import { route as exportSummary } from './api/routes/export-summary.ts';
import { route as exportTransactions } from './api/routes/export-transactions.ts';
import { route as getAttribution } from './api/routes/get-attribution.ts';
import { route as getAttributionOrders } from './api/routes/get-attribution-orders.ts';
import { route as getCohorts } from './api/routes/get-cohorts.ts';
import { route as getCompare } from './api/routes/get-compare.ts';
import { route as getConfig } from './api/routes/get-config.ts';
import { route as getErasures } from './api/routes/get-erasures.ts';
import { route as getFunnel } from './api/routes/get-funnel.ts';
import { route as getFunnelPeople } from './api/routes/get-funnel-people.ts';
import { route as getFxRates } from './api/routes/get-fx-rates.ts';
import { route as getHandoffs } from './api/routes/get-handoffs.ts';
import { route as getJob } from './api/routes/get-job.ts';
import { route as getJourney } from './api/routes/get-journey.ts';
import { route as getMe } from './api/routes/get-me.ts';
import { route as getPaths } from './api/routes/get-paths.ts';
import { route as getPeriods } from './api/routes/get-periods.ts';
import { route as getReport } from './api/routes/get-report.ts';
import { route as getSalesReport } from './api/routes/get-sales-report.ts';
import { route as getSpendAudit } from './api/routes/get-spend-audit.ts';
import { route as getSpendImports } from './api/routes/get-spend-imports.ts';
import { route as getSpendMappings } from './api/routes/get-spend-mappings.ts';
import { route as getTracker } from './api/routes/get-tracker.ts';
import { route as getTransaction } from './api/routes/get-transaction.ts';
import { route as health } from './api/routes/health.ts';
import { defaultRoute } from './api/routes/not-found.ts';
import { route as patchConfig } from './api/routes/patch-config.ts';
import { route as postIdentify } from './api/routes/post-identify.ts';
import { route as postPeriodClose } from './api/routes/post-period-close.ts';
import { route as postPeriodReopen } from './api/routes/post-period-reopen.ts';
import { route as postRecompute } from './api/routes/post-recompute.ts';
import { route as postSpend } from './api/routes/post-spend.ts';
import { route as postSpendImport } from './api/routes/post-spend-import.ts';
import { route as postStages } from './api/routes/post-stages.ts';
import { route as postTouches } from './api/routes/post-touches.ts';
import { route as postTransactions } from './api/routes/post-transactions.ts';
import { route as postWebhook } from './api/routes/post-webhook.ts';
import { route as putFxRates } from './api/routes/put-fx-rates.ts';
import { route as putSpendMappings } from './api/routes/put-spend-mappings.ts';

export type { Route, RouteAccess } from './api/route.ts';

/**
 * Every HTTP route, each declared in its module (`shared/api/routes/`): the
 * stack creates one API Gateway route and one Lambda per handler from it,
 * the local server dispatches with it, and the OpenAPI document lists it.
 */
export const routes: readonly Route[] = [
  health,
  getMe,
  getConfig,
  patchConfig,
  postTouches,
  postStages,
  postIdentify,
  postTransactions,
  postSpend,
  postSpendImport,
  getSpendImports,
  getSpendMappings,
  putSpendMappings,
  getSpendAudit,
  putFxRates,
  getFxRates,
  getPeriods,
  postPeriodClose,
  postPeriodReopen,
  getAttribution,
  getReport,
  getAttributionOrders,
  getCompare,
  getPaths,
  getFunnel,
  getFunnelPeople,
  getHandoffs,
  getCohorts,
  getSalesReport,
  postRecompute,
  getJob,
  getTransaction,
  deletePeople,
  getErasures,
  getJourney,
  exportTransactions,
  exportSummary,
  exportCustomers,
  postWebhook,
  collect,
  collectPreflight,
  getTracker,
];

/** Serves API Gateway's `$default` route: whatever no route above matched. */
export const DEFAULT_ROUTE_HANDLER = defaultRoute.handler;

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
