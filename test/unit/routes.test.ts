import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchRoute, routeHandlers, routeKey, routes } from '../../shared/routes.ts';

describe('the route table', () => {
  it('matches method and path and decodes path parameters', () => {
    const match = matchRoute('GET', '/v1/config');
    expect(match?.route.handler).toBe('get-config');
    expect(matchRoute('DELETE', '/v1/config')).toBeUndefined();
    expect(matchRoute('GET', '/v1/config/')).toBeUndefined();
  });

  it('gives each route a unique route key', () => {
    const keys = routes.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('points every handler at a module in functions/', () => {
    for (const handler of [...routeHandlers(), 'authorizer']) {
      expect(existsSync(join(import.meta.dirname, '..', '..', 'functions', `${handler}.ts`)), handler).toBe(true);
    }
  });

  it('declares each route in the module named after its handler, one route per module', () => {
    for (const route of routes) expect(existsSync(join(import.meta.dirname, '..', '..', 'shared', 'api', 'routes', `${route.handler}.ts`)), route.handler).toBe(true);
    expect(new Set(routes.map((route) => route.handler)).size).toBe(routes.length);
  });
});
