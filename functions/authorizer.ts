import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { config } from '#shared/config.ts';
import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoTenantStore } from '#shared/adapters/dynamodb/tenant-store.ts';
import { resolvePrincipal, type AuthorizerContext } from '#shared/auth/principal.ts';
import type { TenantStore } from '#shared/tenants/ports.ts';

/**
 * The HTTP API's Lambda authorizer. It identifies the key and hands its
 * tenant and scopes to the route; it never denies. API Gateway caches the
 * answer per Authorization header, not per route, so deciding 401/403 here
 * would leak one route's verdict to another: the route's middleware decides
 * (with SPEC §8's problem bodies) instead.
 */
export function makeAuthorizer(store: TenantStore) {
  return async (event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> => ({
    isAuthorized: true,
    context: await resolvePrincipal(store, event.headers?.authorization),
  });
}

export const handler = makeAuthorizer(new DynamoTenantStore(documentClient(), config().TABLE_NAME));
