import * as z from 'zod';
import { EVENT_DETAILS } from '../events/catalog.ts';
import { routes } from '../routes.ts';
import { ProblemSchema } from './responses/common.ts';
import { documentedItem, type Route, responsesOf } from './route.ts';

type JsonSchema = Record<string, unknown>;

function schema(type: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(type, {
    io,
    unrepresentable: 'any',
    target: 'openapi-3.0',
    override: ({ zodSchema, jsonSchema }) => {
      const item = documentedItem(zodSchema);
      if (item) Object.assign(jsonSchema, schema(item, io));
    },
  }) as JsonSchema;
  return rest;
}

function responses(route: Route): Record<string, unknown> {
  const documented: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(responsesOf(route))) {
    const content: Record<string, unknown> = {};
    if (response.schema) content['application/json'] = { schema: response.schema === ProblemSchema ? { $ref: '#/components/schemas/Problem' } : schema(response.schema, 'output') };
    for (const type of response.text ?? []) content[type] = { schema: { type: 'string' } };
    documented[status] = { description: response.description, ...(Object.keys(content).length > 0 ? { content } : {}) };
  }
  return documented;
}

function parameters(route: Route): unknown[] {
  const found: unknown[] = [];
  for (const [where, type] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!type) continue;
    const object = schema(type, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      found.push({ name, in: where, required: where === 'path' || (object.required ?? []).includes(name), schema: property });
    }
  }
  return found;
}

/** The OpenAPI 3 document of Baton's HTTP API, generated from the route modules (shared/api/routes/). */
export function buildOpenApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const found = parameters(route);
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.handler,
      summary: route.summary,
      ...(route.access.kind === 'key' ? { security: [{ apiKey: [] }], 'x-baton-scopes': route.access.scopes } : { security: [] }),
      ...(found.length > 0 ? { parameters: found } : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: schema(route.body, 'input') } } } } : {}),
      responses: responses(route),
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Baton',
      version: '1',
      description: 'Attribution backend: where marketing attribution ends and the sale begins. Generated from the route modules by `npm run openapi`.',
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A tenant key of the scope the operation lists in x-baton-scopes' } },
      schemas: {
        Problem: schema(ProblemSchema, 'output'),
        // The detail of each event on the bus (source `baton`).
        ...Object.fromEntries(Object.entries(EVENT_DETAILS).map(([type, detail]) => [`Event${type}`, schema(detail, 'output')])),
      },
    },
    paths,
  };
}
