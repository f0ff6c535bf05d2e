import { stores } from '../../adapters/dynamodb/stores.ts';
import { csvHeaders } from '../../exports/csv.ts';
import { keyHandler } from '../../http/handler.ts';
import { ReportQuerySchema, report, reportCsv } from '../../read-models/reports.ts';
import { ReportAnswerSchema } from '../responses/read-models.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/attribution/report',
  handler: 'get-report',
  access: { kind: 'key', scopes: ['marketing'] },
  table: 'read',
  summary: 'Revenue, conversions and touches by channel, campaign, source/medium or kind under one model',
  query: ReportQuerySchema,
  responses: {
    200: {
      description:
        'Rows {key, currency, revenue, conversions, touches} and per-currency totals; rows plus unattributed equal revenue. Once the period has spend (POST /v1/spend), rows also carry cost, roas and cpa (not under groupBy=kind) and totals cost and roas. With format=csv, the rows as a CSV download',
      schema: ReportAnswerSchema,
      text: ['text/csv'],
    },
  },
});

export const handler = keyHandler(route, async (request) => {
  const query = request.query(route.query);
  const answer = await report(stores(), request.tenantId, query);
  if (query.format === 'json') return respond(route, 200, answer);
  return { statusCode: 200, headers: csvHeaders(`${request.tenantId}-report-${query.from}-to-${query.to}.csv`), body: reportCsv(answer) };
});
