import * as z from 'zod';
import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { importAnswer, recentImports } from '../../spend/use-cases.ts';
import { SpendImportsAnswerSchema } from '../responses/spend.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/spend/imports',
  handler: 'get-spend-imports',
  access: { kind: 'key', scopes: ['marketing', 'admin'] },
  table: 'read',
  summary: 'The latest spend imports: what each imported, replaced and skipped',
  query: z.object({}).strict(),
  responses: { 200: { description: 'The latest 50 imports, newest first', schema: SpendImportsAnswerSchema } },
});

export const handler = keyHandler(route, async (request) => {
  request.query(route.query);
  const imports = await recentImports(stores(), request.tenantId);
  return respond(route, 200, { imports: imports.map(importAnswer) });
});
