import { stores } from '../../adapters/dynamodb/stores.ts';
import { csvHeaders } from '../../exports/csv.ts';
import { keyHandler } from '../../http/handler.ts';
import { CohortQuerySchema, cohorts, cohortsCsv } from '../../read-models/cohorts.ts';
import { CohortsAnswerSchema } from '../responses/cohorts.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/cohorts',
  handler: 'get-cohorts',
  access: { kind: 'key', scopes: ['marketing'] },
  table: 'read',
  summary: 'Customers by the month of their first order and the key its credit went to, and what they brought month by month since: CAC, repeat rate, payback',
  query: CohortQuerySchema,
  responses: {
    200: {
      description: 'A row per cohort month, key and currency; with format=csv, the rows as a CSV download (the offsets as columns)',
      schema: CohortsAnswerSchema,
      text: ['text/csv'],
    },
  },
});

export const handler = keyHandler(route, async (request) => {
  const { format, ...query } = request.query(route.query);
  const answer = await cohorts(stores(), request.tenantId, query);
  if (format === 'json') return respond(route, 200, answer);
  return { statusCode: 200, headers: csvHeaders(`${request.tenantId}-cohorts-${answer.model}-${answer.groupBy}-${query.from}-to-${query.to}.csv`), body: cohortsCsv(answer) };
});
