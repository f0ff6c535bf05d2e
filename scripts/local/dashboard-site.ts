import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildDashboard, DASHBOARD_CONTENT_SECURITY_POLICY, type DashboardFile } from '../build.ts';

let site: Map<string, DashboardFile> | undefined;

/** The dashboard as the source is now, built on the first request (esbuild: a fraction of a second) and kept in memory. */
function files(): Map<string, DashboardFile> {
  site ??= new Map(buildDashboard().files.map((file) => [file.path, file]));
  return site;
}

/**
 * Serves the dashboard at `/` and its assets at `/assets/…`, as the stack's
 * CloudFront does from its bucket; anything else is the API's. Answers
 * whether it served the request.
 */
export function serveDashboard(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const wanted = path === '/' ? '/index.html' : path;
  if (wanted !== '/index.html' && !wanted.startsWith('/assets/')) return false;
  const file = files().get(wanted);
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
    return true;
  }
  res.writeHead(200, {
    'content-type': file.contentType,
    'content-length': String(file.body.length),
    'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'content-security-policy': DASHBOARD_CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(req.method === 'HEAD' ? undefined : file.body);
  return true;
}
