import * as z from 'zod';
import { EVENT_DETAILS } from '../events/catalog.ts';
import { routeKey, routes } from '../routes.ts';
import { contracts, ProblemSchema } from './contract.ts';

type JsonSchema = Record<string, unknown>;

function schema(type: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(type, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as JsonSchema;
  return rest;
}

const COMMON_ERRORS: Record<number, string> = {
  400: 'Malformed or invalid input',
  404: 'Unknown id (also for another tenant’s id)',
  413: 'Body over 1 MiB',
  429: 'Throttled by API Gateway; see Retry-After',
  503: 'The store kept throttling after retries; see Retry-After',
};

/** The OpenAPI 3 document of Baton's HTTP API, generated from the route table and the zod contracts. */
export function buildOpenApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    // A handler that serves two methods (collect and its preflight) may have a contract per route.
    const contract = contracts[routeKey(route)] ?? contracts[route.handler];
    if (!contract) throw new Error(`shared/api/contract.ts has no contract for handler "${route.handler}"`);
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(contract.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema ? { content: { [response.contentType ?? 'application/json']: { schema: schema(response.schema, 'output') } } } : {}),
      };
    }
    const errors: Record<number, string> = { ...COMMON_ERRORS };
    if (route.access.kind === 'key') Object.assign(errors, { 401: 'Missing or unknown key', 403: 'The key lacks the scope' });
    if (route.access.kind === 'webhook') errors[401] = 'Missing, wrong or stale signature';
    if (route.access.kind === 'publishable')
      Object.assign(errors, { 401: 'Unknown or rotated publishable key', 403: 'The request’s Origin is not one of the tenant’s allowedOrigins (no CORS headers)' });
    for (const [status, description] of Object.entries(errors)) {
      responses[status] ??= { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } };
    }
    const parameters: unknown[] = [];
    for (const [where, type] of [
      ['path', contract.params],
      ['query', contract.query],
    ] as const) {
      if (!type) continue;
      const object = schema(type, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
      for (const [name, property] of Object.entries(object.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (object.required ?? []).includes(name), schema: property });
      }
    }
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.method === 'OPTIONS' ? `${route.handler}-preflight` : route.handler,
      summary: route.summary,
      ...(route.access.kind === 'key' ? { security: [{ apiKey: [] }], 'x-baton-scopes': route.access.scopes } : { security: [] }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(contract.body ? { requestBody: { required: true, content: { 'application/json': { schema: schema(contract.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Baton',
      version: '1',
      description: 'Attribution backend: where marketing attribution ends and the sale begins. Generated from the zod schemas by `npm run openapi`.',
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A tenant key of the scope the operation lists in x-baton-scopes' } },
      schemas: {
        Problem: schema(ProblemSchema, 'output'),
        // SPEC §7: the detail of each event on the bus (source `baton`).
        ...Object.fromEntries(Object.entries(EVENT_DETAILS).map(([type, detail]) => [`Event${type}`, schema(detail, 'output')])),
      },
    },
    paths,
  };
}
