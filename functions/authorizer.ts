import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { config } from '#shared/config.ts';
import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoTenantStore } from '#shared/adapters/dynamodb/tenant-store.ts';
import { bearerToken, hashApiKey } from '#shared/auth/keys.ts';
import type { AuthorizerContext } from '#shared/http/handler.ts';
import type { TenantStore } from '#shared/tenants/ports.ts';

/**
 * The HTTP API's Lambda authorizer. It identifies the key and hands its
 * tenant and scopes to the route; it never denies. API Gateway caches the
 * answer per Authorization header, not per route, so deciding 401/403 here
 * would leak one route's verdict to another: the route's middleware decides
 * (with SPEC §8's problem bodies) instead.
 */
export function makeAuthorizer(store: TenantStore) {
  return async (event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> => {
    const key = bearerToken(event.headers?.authorization);
    const record = key ? await store.findApiKey(hashApiKey(key)) : undefined;
    return {
      isAuthorized: true,
      context: record ? { tenantId: record.tenantId, scopes: record.scope } : { tenantId: '', scopes: '' },
    };
  };
}

export const handler = makeAuthorizer(new DynamoTenantStore(documentClient(), config().TABLE_NAME));
