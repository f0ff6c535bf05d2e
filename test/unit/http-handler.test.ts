import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { route as health } from '../../shared/api/routes/health.ts';
import { route as patchConfig } from '../../shared/api/routes/patch-config.ts';
import { ConflictError, StoreUnavailableError } from '../../shared/errors.ts';
import { keyHandler, MAX_BODY_BYTES } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/problem.ts';
import { logger } from '../../shared/observability/logger.ts';
import { apiEvent, context } from '../support/events.ts';

const admin = { tenantId: 'acme', scopes: 'admin' };
const Body = z.object({ name: z.string().min(2), items: z.array(z.object({ amount: z.number().int() })) });

// patch-config is an admin key route
const echo = keyHandler(patchConfig, async (request) => json(200, { tenantId: request.tenantId, body: request.json(Body) }));

afterEach(() => vi.restoreAllMocks());

describe('the HTTP middleware chain', () => {
  it('hands the parsed body and the key’s tenant to the handler', async () => {
    const result = await echo(apiEvent({ authorizer: admin, body: JSON.stringify({ name: 'ok', items: [{ amount: 1 }] }) }), context);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body as string)).toEqual({ tenantId: 'acme', body: { name: 'ok', items: [{ amount: 1 }] } });
  });

  it('answers 401 without an authorizer context and 403 without the scope', async () => {
    expect((await echo(apiEvent({ body: '{}' }), context)).statusCode).toBe(401);
    expect((await echo(apiEvent({ body: '{}', authorizer: { tenantId: '', scopes: '' } }), context)).statusCode).toBe(401);
    expect((await echo(apiEvent({ body: '{}', authorizer: { tenantId: 'acme', scopes: 'ingest' } }), context)).statusCode).toBe(403);
  });

  it('refuses a body over 1 MiB with 413, counting bytes, not characters', async () => {
    const multibyte = '€'.repeat(Math.ceil(MAX_BODY_BYTES / 3) + 1); // 3 bytes each
    const result = await echo(apiEvent({ authorizer: admin, body: JSON.stringify({ name: multibyte, items: [] }) }), context);
    expect(result.statusCode).toBe(413);
  });

  it('counts a base64 body by its decoded size', async () => {
    const body = Buffer.alloc(MAX_BODY_BYTES - 10, 0x20).toString('base64');
    const result = await echo(apiEvent({ authorizer: admin, body, isBase64Encoded: true }), context);
    expect(result.statusCode).toBe(400); // within the limit: it reaches JSON parsing
  });

  it('answers malformed and empty JSON with 400 malformed_json', async () => {
    for (const body of ['{"name": ', '', 'nul']) {
      const result = await echo(apiEvent({ authorizer: admin, body }), context);
      expect(result.statusCode).toBe(400);
      expect(JSON.parse(result.body as string).error.code).toBe('malformed_json');
    }
  });

  it('lists every invalid field with its zod path', async () => {
    const result = await echo(apiEvent({ authorizer: admin, body: JSON.stringify({ name: 'x', items: [{ amount: 1 }, { amount: 1.5 }] }) }), context);
    expect(result.statusCode).toBe(400);
    const { error } = JSON.parse(result.body as string);
    expect(error.code).toBe('invalid_request');
    expect(error.details.map((detail: { path: string }) => detail.path)).toEqual(['name', 'items.1.amount']);
  });

  it('maps domain errors to their status codes', async () => {
    const conflict = keyHandler(patchConfig, async () => {
      throw new ConflictError('same id, other content');
    });
    const busy = keyHandler(patchConfig, async () => {
      throw new StoreUnavailableError('busy', 3);
    });
    expect((await conflict(apiEvent({ authorizer: admin }), context)).statusCode).toBe(409);
    const unavailable = await busy(apiEvent({ authorizer: admin }), context);
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.headers?.['retry-after']).toBe('3');
  });

  it('turns an unexpected error into a generic 500 that shows the request id and no internals, and logs it', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const broken = keyHandler(patchConfig, async () => {
      throw new TypeError('secret internals: table baton-prod at arn:aws:…');
    });
    const result = await broken(apiEvent({ authorizer: admin }), context);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('secret internals');
    expect(JSON.parse(result.body as string)).toEqual({
      error: { code: 'internal', message: expect.any(String), details: { requestId: 'req-test-1' } },
    });
    expect(logged).toHaveBeenCalledWith('Request failed', expect.objectContaining({ requestId: 'req-test-1' }));
  });

  it('refuses to wrap a route that takes no key', () => {
    expect(() => keyHandler(health as never, async () => json(200, {}))).toThrow(/not a key route/);
  });
});
