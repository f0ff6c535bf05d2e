import { stores } from '../../adapters/dynamodb/stores.ts';
import { csvHeaders } from '../../exports/csv.ts';
import { keyHandler } from '../../http/handler.ts';
import { CompareQuerySchema, compare, compareCsv } from '../../read-models/reports.ts';
import { CompareAnswerSchema } from '../responses/read-models.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/attribution/compare',
  handler: 'get-compare',
  access: { kind: 'key', scopes: ['marketing'] },
  table: 'read',
  summary: 'Every heuristic model side by side',
  query: CompareQuerySchema,
  responses: {
    200: {
      description: 'Rows per model (with cost, roas, cpa as in the report), and per-currency totals. With format=csv, one line per model and row',
      schema: CompareAnswerSchema,
      text: ['text/csv'],
    },
  },
});

export const handler = keyHandler(route, async (request) => {
  const query = request.query(route.query);
  const answer = await compare(stores(), request.tenantId, query);
  if (query.format === 'json') return respond(route, 200, answer);
  return { statusCode: 200, headers: csvHeaders(`${request.tenantId}-compare-${query.from}-to-${query.to}.csv`), body: compareCsv(answer) };
});
