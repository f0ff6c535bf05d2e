/**
 * `npm run tenant -- create <tenantId> [--currency USD] [--timezone Europe/Berlin]`
 * `npm run tenant -- rotate-secret <tenantId> <provider>`   (Baton generates the new secret)
 * `npm run tenant -- set-secret <tenantId> <provider> <secret>`   (the provider issued it: Shopify, Stripe)
 *
 * Against the local table by default (start it with `npm start`); against a
 * deployed table when TABLE_NAME is set without DYNAMODB_ENDPOINT (AWS
 * credentials and AWS_REGION from the usual places).
 */
import './local/quiet-sdk.ts';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { localEnv } from './local/env.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { currency: { type: 'string', default: 'USD' }, timezone: { type: 'string', default: 'UTC' } },
});

const deployed = process.env.TABLE_NAME !== undefined && process.env.DYNAMODB_ENDPOINT === undefined;
if (!deployed) {
  const env = localEnv();
  process.env.TABLE_NAME = env.TABLE_NAME;
  process.env.DYNAMODB_ENDPOINT ??= `http://127.0.0.1:${env.DYNAMODB_LOCAL_PORT}`;
}

const { config } = await import('../shared/config.ts');
const { documentClient } = await import('../shared/adapters/dynamodb/client.ts');
const { DynamoTenantStore } = await import('../shared/adapters/dynamodb/tenant-store.ts');
const { createTenant, rotateWebhookSecret } = await import('../shared/tenants/use-cases.ts');
const { CurrencySchema, TenantIdSchema, TimezoneSchema, WEBHOOK_PROVIDERS } = await import('../shared/tenants/tenant.ts');
const { BatonError } = await import('../shared/errors.ts');

function usage(message: string): never {
  console.error(`${message}\nUsage:\n  npm run tenant -- create <tenantId> [--currency USD] [--timezone Europe/Berlin]\n  npm run tenant -- rotate-secret <tenantId> <${WEBHOOK_PROVIDERS.join('|')}>\n  npm run tenant -- set-secret <tenantId> <provider> <secret>`);
  process.exit(2);
}

function valid<S extends z.ZodType>(schema: S, value: unknown, name: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) usage(`Invalid ${name} "${String(value)}": ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

const store = new DynamoTenantStore(documentClient(), config().TABLE_NAME);
const [command, tenantArg, providerArg] = positionals;

try {
  if (command === 'create') {
    const created = await createTenant(store, {
      tenantId: valid(TenantIdSchema, tenantArg, 'tenant id'),
      currency: valid(CurrencySchema, values.currency, 'currency'),
      timezone: valid(TimezoneSchema, values.timezone, 'time zone'),
    });
    console.log(JSON.stringify(created, null, 2));
  } else if (command === 'rotate-secret' || command === 'set-secret') {
    const provider = valid(z.enum(WEBHOOK_PROVIDERS), providerArg, 'provider');
    if (command === 'set-secret' && !positionals[3]) usage('set-secret needs the secret the provider issued.');
    const secret = await rotateWebhookSecret(store, valid(TenantIdSchema, tenantArg, 'tenant id'), provider, new Date(), command === 'set-secret' ? positionals[3] : undefined);
    console.log(JSON.stringify({ tenantId: tenantArg, provider, webhookSecret: secret }, null, 2));
  } else {
    usage(command ? `Unknown command "${command}".` : 'No command given.');
  }
} catch (error) {
  if (error instanceof BatonError) {
    console.error(error.message);
    process.exit(1);
  }
  const cause = (error as Error & { code?: string; cause?: { code?: string } })?.cause?.code ?? (error as { code?: string }).code;
  if (!deployed && (cause === 'ECONNREFUSED' || String(error).includes('ECONNREFUSED'))) {
    console.error(`DynamoDB Local is not running at ${process.env.DYNAMODB_ENDPOINT}. Start Baton first: npm start`);
    process.exit(1);
  }
  throw error;
}
