import * as z from 'zod';
import { documentClient } from '../../adapters/dynamodb/client.ts';
import { pingTable } from '../../adapters/dynamodb/health.ts';
import { config } from '../../config.ts';
import { openHandler } from '../../http/handler.ts';
import { logger } from '../../observability/logger.ts';
import { defineRoute, respond } from '../route.ts';

const HealthSchema = z.strictObject({ status: z.enum(['ok', 'degraded']), dynamodb: z.enum(['ok', 'unreachable']) });

export const route = defineRoute({
  method: 'GET',
  path: '/v1/health',
  handler: 'health',
  access: { kind: 'public' },
  table: 'read',
  summary: 'Liveness and DynamoDB reachability',
  responses: {
    200: { description: 'The service and its table answer', schema: HealthSchema },
    503: { description: 'DynamoDB is unreachable', schema: HealthSchema },
  },
});

export const handler = openHandler(route, async () => {
  const client = documentClient();
  const { TABLE_NAME } = config();
  try {
    await pingTable(client, TABLE_NAME);
    return respond(route, 200, { status: 'ok', dynamodb: 'ok' });
  } catch (error) {
    logger.warn('DynamoDB is not reachable', { error: error as Error });
    return respond(route, 503, { status: 'degraded', dynamodb: 'unreachable' }, { 'retry-after': '5' });
  }
});
