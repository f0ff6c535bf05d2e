import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { pingTable } from '#shared/adapters/dynamodb/health.ts';
import { config } from '#shared/config.ts';
import { openHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { logger } from '#shared/observability/logger.ts';

const { TABLE_NAME } = config();
const client = documentClient();

export const handler = openHandler('health', async () => {
  try {
    await pingTable(client, TABLE_NAME);
    return json(200, { status: 'ok', dynamodb: 'ok' });
  } catch (error) {
    logger.warn('DynamoDB is not reachable', { error: error as Error });
    return json(503, { status: 'degraded', dynamodb: 'unreachable' }, { 'retry-after': '5' });
  }
});
