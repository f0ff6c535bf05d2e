import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { csvHeaders } from '#shared/exports/csv.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { ReportQuerySchema, report, reportCsv } from '#shared/read-models/reports.ts';

const deps = stores();

export const handler = keyHandler('get-report', async (request) => {
  const query = request.query(ReportQuerySchema);
  const answer = await report(deps, request.tenantId, query);
  if (query.format === 'json') return json(200, answer);
  return { statusCode: 200, headers: csvHeaders(`${request.tenantId}-report-${query.from}-to-${query.to}.csv`), body: reportCsv(answer) };
});
