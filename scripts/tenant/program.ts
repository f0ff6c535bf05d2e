/**
 * The commands of `npm run tenant` (scripts/tenant.ts), declared for scripts/cli.ts.
 *
 * A new command is one more entry of `commands`: its arguments and options
 * are declared there, and its usage text comes from that declaration.
 * Importing it runs nothing: the table and the configuration are reached
 * only once a command runs (see `withStore`), so help and usage errors need
 * neither, and tests can run the program in-process with `runCli`.
 */
import * as z from 'zod';
import { SCOPES } from '../../shared/auth/scopes.ts';
import { CurrencySchema, TenantIdSchema, TimezoneSchema, WEBHOOK_PROVIDERS } from '../../shared/tenants/tenant.ts';
import { CliError, type CommandSpec, type ProgramSpec, UsageError } from '../cli.ts';
import { dynamoDbLocalNotRunning, isConnectionRefused, useTableFromEnvironment } from '../local/cli-env.ts';

const PROVIDERS = WEBHOOK_PROVIDERS.join('|');

function valid<S extends z.ZodType>(schema: S, value: unknown, name: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`Invalid ${name} "${String(value)}": ${parsed.error.issues[0]?.message}.`);
  return parsed.data;
}

/**
 * The tenant store, configured only once a command runs (help and usage
 * errors touch no table), with DynamoDB's "nobody listening" and the
 * domain's own errors turned into one line each.
 */
async function withStore<T>(work: (store: import('../../shared/tenants/ports.ts').TenantStore) => Promise<T>): Promise<T> {
  const { deployed } = useTableFromEnvironment();
  const { config } = await import('../../shared/config.ts');
  const { documentClient } = await import('../../shared/adapters/dynamodb/client.ts');
  const { DynamoTenantStore } = await import('../../shared/adapters/dynamodb/tenant-store.ts');
  const { BatonError } = await import('../../shared/errors.ts');
  try {
    return await work(new DynamoTenantStore(documentClient(), config().TABLE_NAME));
  } catch (error) {
    if (!deployed && isConnectionRefused(error)) throw new CliError(dynamoDbLocalNotRunning(process.env.DYNAMODB_ENDPOINT));
    if (error instanceof BatonError) throw new CliError(error.message);
    throw error;
  }
}

async function rotate(tenantArg: string | undefined, providerArg: string | undefined, issued: string | undefined, out: (text: string) => void): Promise<void> {
  const tenantId = valid(TenantIdSchema, tenantArg, 'tenant id');
  const provider = valid(z.enum(WEBHOOK_PROVIDERS, { error: `expected one of ${WEBHOOK_PROVIDERS.join(', ')}` }), providerArg, 'provider');
  const { rotateWebhookSecret } = await import('../../shared/tenants/use-cases.ts');
  const secret = await withStore((store) => rotateWebhookSecret(store, tenantId, provider, new Date(), issued));
  out(JSON.stringify({ tenantId, provider, webhookSecret: secret }, null, 2));
}

const commands: CommandSpec[] = [
  {
    name: 'create',
    summary: 'create a tenant; prints its API keys and webhook secrets, once',
    description:
      'Creates a tenant and prints, once, its API keys (ingest, marketing, finance, admin, and the publishable key a web page collects with) and four webhook secrets (one per provider). Only hashes of the keys are stored.',
    args: [{ name: 'tenantId', description: '1–63 lower-case letters, digits or dashes' }],
    options: {
      currency: { type: 'string', value: 'code', default: 'USD', description: 'the currency reports are made in (ISO 4217)' },
      timezone: { type: 'string', value: 'zone', default: 'UTC', description: 'the IANA time zone of the tenant’s days' },
    },
    examples: ['npm run tenant -- create acme --currency EUR --timezone Europe/Berlin'],
    run: async ({ args, options, out }) => {
      const input = {
        tenantId: valid(TenantIdSchema, args.tenantId, 'tenant id'),
        currency: valid(CurrencySchema, options.currency, 'currency'),
        timezone: valid(TimezoneSchema, options.timezone, 'time zone'),
      };
      const { createTenant } = await import('../../shared/tenants/use-cases.ts');
      out(JSON.stringify(await withStore((store) => createTenant(store, input)), null, 2));
    },
  },
  {
    name: 'rotate-secret',
    summary: 'give a provider’s webhooks a new secret that Baton generates',
    description: 'Generates a new webhook secret for one provider and prints it. The previous secret stays valid for 24 hours.',
    args: [
      { name: 'tenantId', description: 'the tenant' },
      { name: 'provider', description: PROVIDERS },
    ],
    examples: ['npm run tenant -- rotate-secret acme woocommerce'],
    run: ({ args, out }) => rotate(args.tenantId, args.provider, undefined, out),
  },
  {
    name: 'set-secret',
    summary: 'store the webhook secret a provider issued (Shopify, Stripe)',
    description: 'Stores a webhook secret the provider issued (Shopify’s app secret, Stripe’s whsec_…). The previous secret stays valid for 24 hours.',
    args: [
      { name: 'tenantId', description: 'the tenant' },
      { name: 'provider', description: PROVIDERS },
      { name: 'secret', description: 'the secret as the provider shows it' },
    ],
    examples: ['npm run tenant -- set-secret acme stripe whsec_…'],
    run: ({ args, out }) => rotate(args.tenantId, args.provider, args.secret, out),
  },
  {
    name: 'rotate-key',
    summary: 'give one scope a new API key; the old one keeps working for an overlap',
    description:
      'Generates a new API key for one scope (ingest, marketing, finance, admin or publishable) and prints it, once. The previous key keeps working until the overlap ends (24 hours unless --overlap-hours says otherwise), so callers can switch without downtime.',
    args: [
      { name: 'tenantId', description: 'the tenant' },
      { name: 'scope', description: SCOPES.join('|') },
    ],
    options: { 'overlap-hours': { type: 'string', value: 'hours', default: '24', description: 'how long the previous key still works (0 retires it at once; at most 720)' } },
    examples: ['npm run tenant -- rotate-key acme publishable', 'npm run tenant -- rotate-key acme ingest --overlap-hours 0'],
    run: async ({ args, options, out }) => {
      const tenantId = valid(TenantIdSchema, args.tenantId, 'tenant id');
      const scope = valid(z.enum(SCOPES, { error: `expected one of ${SCOPES.join(', ')}` }), args.scope, 'scope');
      const overlapHours = valid(z.coerce.number().min(0).max(720), options['overlap-hours'], 'overlap');
      const { rotateApiKey } = await import('../../shared/tenants/use-cases.ts');
      const rotated = await withStore((store) => rotateApiKey(store, tenantId, scope, new Date(), overlapHours));
      out(JSON.stringify({ tenantId, scope, key: rotated.key, previousKeyValidUntil: rotated.previousValidUntil }, null, 2));
    },
  },
  {
    name: 'list',
    summary: 'list the tenants: ids, currency, time zone, retention, when each key was made — no secrets',
    description:
      'Lists every tenant with its currency, time zone, retentionDays, creation time and when each scope’s current key was made (so old keys can be rotated). Prints no secret and no key hash. Tenants created before the registry existed appear once `migrate` has run for them.',
    examples: ['npm run tenant -- list'],
    run: async ({ out }) => {
      const { listTenants } = await import('../../shared/tenants/use-cases.ts');
      out(JSON.stringify(await withStore((store) => listTenants(store)), null, 2));
    },
  },
  {
    name: 'migrate',
    summary: 'bring a tenant created by an earlier version up to date (once)',
    description:
      'Gives a tenant what later versions store with it at creation (the key that signs export cursors; its entry in the tenant registry). Reads never write, so this is done once, here. Safe to run again.',
    args: [{ name: 'tenantId', description: 'the tenant' }],
    examples: ['npm run tenant -- migrate acme'],
    run: async ({ args, out }) => {
      const tenantId = valid(TenantIdSchema, args.tenantId, 'tenant id');
      const added = await withStore(async (store) => {
        const { requireTenant } = await import('../../shared/tenants/use-cases.ts');
        const tenant = await requireTenant(store, tenantId);
        return { cursorKey: await store.addMissingCursorKey(tenantId), registry: await store.addMissingRegistryEntry(tenant) };
      });
      out(JSON.stringify({ tenantId, cursorKey: added.cursorKey ? 'added' : 'present', registry: added.registry ? 'added' : 'present' }, null, 2));
    },
  },
  {
    name: 'apply-retention',
    summary: 'set the expiry on a tenant’s touches, stages and links written before they carried one',
    description:
      'Touches, stages and identity links expire retentionDays after they happened (DynamoDB TTL); records written before Baton set that carry no expiry. This sets it, once: a one-off that scans the table (no request path of Baton scans). Safe to run again: it only sets what is missing.',
    args: [{ name: 'tenantId', description: 'the tenant' }],
    examples: ['npm run tenant -- apply-retention acme'],
    run: async ({ args, out }) => {
      const tenantId = valid(TenantIdSchema, args.tenantId, 'tenant id');
      const { config } = await import('../../shared/config.ts');
      const { documentClient } = await import('../../shared/adapters/dynamodb/client.ts');
      const { applyRetention } = await import('../../shared/adapters/dynamodb/retention.ts');
      const result = await withStore(async (store) => {
        const { requireTenant } = await import('../../shared/tenants/use-cases.ts');
        const tenant = await requireTenant(store, tenantId);
        return { retentionDays: tenant.config.retentionDays, ...(await applyRetention(documentClient(), config().TABLE_NAME, tenantId, tenant.config.retentionDays)) };
      });
      out(JSON.stringify({ tenantId, ...result }, null, 2));
    },
  },
];

export const tenantProgram: ProgramSpec = {
  invocation: 'npm run tenant --',
  description: 'Creates tenants and manages their keys and webhook secrets.',
  commands,
  epilogue: [
    'Works on the local table of `npm start` (DynamoDB Local) by default. Against a deployed',
    'stack, set TABLE_NAME (with AWS credentials and AWS_REGION) and leave DYNAMODB_ENDPOINT unset.',
  ].join('\n'),
};
