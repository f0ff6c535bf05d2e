import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { type LocalRuntime, startLocalRuntime } from '../../scripts/local/runtime.ts';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';
import { DynamoTenantStore } from '../../shared/adapters/dynamodb/tenant-store.ts';
import { responsesOf } from '../../shared/api/route.ts';
import { config } from '../../shared/config.ts';
import { streamConsumers } from '../../shared/events/stream-consumers.ts';
import { matchRoute } from '../../shared/routes.ts';
import { type CreatedTenant, createTenant } from '../../shared/tenants/use-cases.ts';

export function tenantStore(): DynamoTenantStore {
  return new DynamoTenantStore(documentClient(), config().TABLE_NAME);
}

export async function newTenant(overrides: { currency?: string; timezone?: string } = {}): Promise<CreatedTenant> {
  return createTenant(tenantStore(), {
    tenantId: `t-${randomUUID().slice(0, 8)}`,
    currency: overrides.currency ?? 'USD',
    timezone: overrides.timezone ?? 'UTC',
  });
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/**
 * Holds an answer of a declared route to its module (shared/api/routes/):
 * a status it declares, a content type it declares, and a JSON body its
 * response schema accepts. A mismatch fails the test that made the request.
 */
function checkAnswer(method: string, path: string, response: { status: number; contentType: string | null; text: string }): void {
  let match: ReturnType<typeof matchRoute>;
  try {
    match = matchRoute(method, new URL(path, 'http://localhost').pathname);
  } catch {
    return; // not percent-encoding: no route's
  }
  if (!match) return;
  const where = `${method} ${path} answered ${response.status}`;
  const module = `shared/api/routes/${match.route.handler}.ts`;
  const declared = responsesOf(match.route)[response.status];
  if (!declared) throw new Error(`${where}, a status ${module} does not declare`);
  const type = response.contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') {
    if (!declared.schema) throw new Error(`${where} with JSON, which ${module} does not declare`);
    const parsed = declared.schema.safeParse(JSON.parse(response.text));
    if (!parsed.success) throw new Error(`${where} with a body its response schema in ${module} refuses:\n${z.prettifyError(parsed.error)}`);
  } else if (type) {
    if (!declared.text?.includes(type)) throw new Error(`${where} with ${type}, which ${module} does not declare`);
  } else if (response.text) {
    throw new Error(`${where} with a body but no content type`);
  }
}

/** The local HTTP API on a free port, for tests that go through HTTP. */
export class TestApi {
  private constructor(
    readonly runtime: LocalRuntime,
    private readonly deadLetterFile: string,
  ) {}

  /**
   * With `events`, the table's stream feeds its consumers (the projector, the event publisher), as under `npm start`;
   * the warehouse's change recorder only with `warehouse` too (the other files do not read what it writes).
   */
  static async start(options: { events?: boolean; warehouse?: boolean } = {}): Promise<TestApi> {
    const { DYNAMODB_ENDPOINT, TABLE_NAME } = config();
    // Dead letters of a test run go to a file of their own, not the developer's .data/dead-letters.ndjson.
    const deadLetterFile = join(tmpdir(), `baton-test-dead-letters-${randomUUID()}.ndjson`);
    return new TestApi(
      await startLocalRuntime({
        port: 0,
        deadLetterFile,
        // The table outlives the file (integration-setup.ts): what its stream held before is other files' writes.
        ...(options.events ? { dynamodbEndpoint: DYNAMODB_ENDPOINT, tableName: TABLE_NAME, streamStartingPosition: 'LATEST' as const } : {}),
        ...(options.warehouse ? {} : { streamConsumers: streamConsumers.filter((consumer) => consumer.name !== 'warehouse-changes').map((consumer) => consumer.name) }),
      }),
      deadLetterFile,
    );
  }

  /** A GET that must answer 200: its JSON body. */
  async read<T = any>(path: string, key: string): Promise<T> {
    const response = await this.request<T>('GET', path, { key });
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${response.text}`);
    return response.body;
  }

  async request<T = any>(method: string, path: string, options: { key?: string; json?: unknown; body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    let body: string | Buffer | undefined = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.runtime.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    checkAnswer(method, path, { status: response.status, contentType: response.headers.get('content-type'), text });
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: CSV or NDJSON answers stay text
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  /** Waits until every write so far has reached its stream consumers and the work they caused has finished (projections, events, queued tasks). */
  settle(): Promise<void> {
    return this.runtime.settle();
  }

  /** `work` with the stream consumers paused, so the requests it makes are its own (see `recordRequests`). */
  withConsumersPaused<T>(work: () => Promise<T>): Promise<T> {
    return this.runtime.withConsumersPaused(work);
  }

  /** Stops the runtime; its dead-letter file goes with it. */
  async close(): Promise<void> {
    await this.runtime.close();
    rmSync(this.deadLetterFile, { force: true });
  }
}
