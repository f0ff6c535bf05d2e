import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoTenantStore } from '#shared/adapters/dynamodb/tenant-store.ts';
import { type AuthorizerContext, resolvePrincipal } from '#shared/auth/principal.ts';
import { config } from '#shared/config.ts';
import { StoreUnavailableError } from '#shared/errors.ts';
import { logger } from '#shared/observability/logger.ts';
import { withDeadline } from '#shared/runtime/deadline.ts';
import type { TenantStore } from '#shared/tenants/ports.ts';

/**
 * The HTTP API's Lambda authorizer. It identifies the key and hands its
 * tenant and scopes to the route; it never denies. API Gateway caches the
 * answer per Authorization header, not per route, so deciding 401/403 here
 * would leak one route's verdict to another: the route's middleware decides
 * (with docs/contract.md#errors's problem bodies) instead.
 */
export function makeAuthorizer(store: TenantStore) {
  return async (event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> => {
    try {
      return { isAuthorized: true, context: await withDeadline(AUTHORIZER_BUDGET_MS, () => resolvePrincipal(store, event.headers?.authorization)) };
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      // API Gateway would answer a failed authorizer with 500: hand the lookup to the route instead.
      logger.warn('The authorizer could not reach the store; the route checks the key itself', { error });
      return { isAuthorized: true, context: { tenantId: '', scopes: '', deferred: '1' } };
    }
  };
}

/** The authorizer answers within this, so the route still has time to answer 503 itself. */
const AUTHORIZER_BUDGET_MS = 2_000;

export const handler = makeAuthorizer(new DynamoTenantStore(documentClient(), config().TABLE_NAME));
