import * as z from 'zod';
import { stores } from '../../adapters/dynamodb/stores.ts';
import { FxRateInputSchema } from '../../fx/input.ts';
import { type FxRatesBody, MAX_FX_BODY_BYTES, putFxRates } from '../../fx/use-cases.ts';
import { keyHandler, type TenantRequest } from '../../http/handler.ts';
import { problem } from '../../http/problem.ts';
import { ProblemSchema } from '../responses/common.ts';
import { PutFxRatesAnswerSchema } from '../responses/fx.ts';
import { checkedOneByOne, defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'PUT',
  path: '/v1/fx-rates',
  handler: 'put-fx-rates',
  access: { kind: 'key', scopes: ['finance', 'admin'] },
  table: 'readWrite',
  maxBodyBytes: MAX_FX_BODY_BYTES,
  summary:
    'Store the tenant’s exchange rates, each replacing the stored rate of its day, base and quote: `application/json` `{rates: [{day, base, quote, rate}]}`, or `text/csv` in the ECB’s layout (`Date,USD,JPY,…`, 1 EUR in each currency, `N/A` for none); at most 20,000 rates and 2 MiB',
  // The JSON body; each rate is checked on its own so that every bad one is named (422).
  body: z.object({ rates: z.array(checkedOneByOne(FxRateInputSchema)) }).strict(),
  responses: {
    200: { description: 'Stored: how many rates were new or changed, and the days whose conversions may change', schema: PutFxRatesAnswerSchema },
    413: { description: 'A body over 2 MiB', schema: ProblemSchema },
    415: { description: 'A body neither application/json nor text/csv', schema: ProblemSchema },
    422: {
      description:
        'Nothing stored: the details name every bad rate (`rates.3.rate`) or line (`line`), a rate given twice with different values, more than 20,000 rates, or a month that would hold more than 12,000',
      schema: ProblemSchema,
    },
  },
});

/** The body as the Content-Type says it is; undefined for a type not taken. */
function bodyOf(request: TenantRequest): FxRatesBody | undefined {
  const type = request.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return { json: request.json(route.body).rates };
  if (type === 'text/csv') return { csv: request.rawBody() };
  return undefined;
}

export const handler = keyHandler(route, async (request) => {
  const body = bodyOf(request);
  if (!body) {
    const sent = request.header('content-type') ?? 'none';
    return problem(415, 'unsupported_media_type', `Content-Type ${sent} is not taken: send application/json ({"rates": [...]}) or text/csv (the ECB's layout).`, [
      { path: 'header.content-type', message: 'application/json or text/csv', code: 'invalid_value' },
    ]);
  }
  return respond(route, 200, await putFxRates(stores(), request.tenantId, body));
});
