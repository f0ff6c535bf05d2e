import { stores } from '../../adapters/dynamodb/stores.ts';
import { keyHandler } from '../../http/handler.ts';
import { IMPORT_BUDGET_SECONDS, importAnswer, importSpendFile, MAX_IMPORT_BYTES, MAX_IMPORT_FILE_BYTES, SpendImportQuerySchema } from '../../spend/use-cases.ts';
import { ProblemSchema } from '../responses/common.ts';
import { SpendImportAnswerSchema } from '../responses/spend.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'POST',
  path: '/v1/spend/imports',
  handler: 'post-spend-import',
  access: { kind: 'key', scopes: ['ingest', 'admin', 'marketing'] },
  table: 'readWrite',
  maxBodyBytes: MAX_IMPORT_BYTES,
  budgetSeconds: IMPORT_BUDGET_SECONDS,
  summary:
    'Import an ad platform’s spend file as it was downloaded (Google Ads, Meta, Microsoft, TikTok, LinkedIn, or a generic CSV): the body is the file, up to 4 MiB, or gzip-compressed (Content-Encoding: gzip) up to 4 MiB sent and 32 MiB decoded',
  query: SpendImportQuerySchema,
  responses: {
    200: { description: 'Imported: every line stored, each replacing the stored line of its key', schema: SpendImportAnswerSchema },
    413: { description: 'A body over 4 MiB (send it gzip-compressed), or a file over 32 MiB decoded', schema: ProblemSchema },
    422: { description: 'Not imported, nothing stored: the details name every bad line (`line`, 0 for the file as a whole) and why', schema: ProblemSchema },
  },
});

export const handler = keyHandler(route, async (request) => {
  const answer = await importSpendFile(stores(), request.tenantId, request.decodedBody(MAX_IMPORT_FILE_BYTES), request.query(route.query));
  return respond(route, 200, importAnswer(answer));
});
