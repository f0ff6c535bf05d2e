import type { Context } from 'aws-lambda';
import type { ApiEvent } from '../../shared/http/handler.ts';

/** A minimal API Gateway v2 event for calling a handler directly. */
export function apiEvent(overrides: Partial<ApiEvent> & { authorizer?: { tenantId: string; scopes: string } } = {}): ApiEvent {
  const { authorizer, ...rest } = overrides;
  return {
    version: '2.0',
    routeKey: 'PATCH /v1/config',
    rawPath: '/v1/config',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'PATCH', path: '/v1/config', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req-test-1',
      routeKey: 'PATCH /v1/config',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      ...(authorizer ? { authorizer: { lambda: authorizer } } : {}),
    },
    ...rest,
  };
}

export const context = { awsRequestId: 'aws-req-1', functionName: 'test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
