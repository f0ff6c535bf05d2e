import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { StoreUnavailableError } from '../../shared/errors.ts';

// A stand-in DynamoDB endpoint that always throttles: the SDK's real retry
// logic runs against it, which a mocked `send` would skip.
let server: Server;
let attempts = 0;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    attempts += 1;
    req.resume();
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow down' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the DynamoDB adapter under throttling', () => {
  it('retries, then surfaces StoreUnavailableError with a retry hint', async () => {
    const client = createDocumentClient({ endpoint, maxAttempts: 3 });
    attempts = 0;
    const failure = client.send(new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } }));
    await expect(failure).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(failure).rejects.toMatchObject({ retryAfterSeconds: expect.any(Number) });
    expect(attempts).toBe(3);
  }, 20_000);
});
