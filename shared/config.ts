import * as z from 'zod';
import { WAREHOUSE_DEFAULTS } from './warehouse/settings.ts';

const EnvSchema = z.object({
  TABLE_NAME: z.string().min(1),
  /** Set locally to reach DynamoDB Local; absent on AWS. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** The EventBridge bus. Absent locally, where the in-process bus is used. */
  EVENT_BUS_NAME: z.string().min(1).optional(),
  /** The recompute job's SQS queue. Absent locally, where the in-process queue is used. */
  RECOMPUTE_QUEUE_URL: z.url().optional(),
  /** One DynamoDB attempt is cut off after this long (the SDK retries up to 3 attempts in all). */
  DYNAMODB_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3_000),
  /** An API request answers 503 rather than run past this: well under API Gateway's 30 s and the functions' 10 s timeout. */
  REQUEST_BUDGET_MS: z.coerce.number().int().min(500).max(25_000).default(6_000),
  /** The warehouse export's bucket (docs/warehouse.md). Absent locally, where the files go to a folder. */
  WAREHOUSE_BUCKET: z.string().min(1).optional(),
  /** Where in the bucket the files go. */
  WAREHOUSE_PREFIX: z.string().min(1).default('warehouse'),
  /** A window's length: the export writes each tenant's changes of each window once it has ended (a divisor of 60). */
  WAREHOUSE_INTERVAL_MINUTES: z.coerce
    .number()
    .int()
    .refine((minutes) => minutes > 0 && 60 % minutes === 0, 'must divide an hour: 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60')
    .default(WAREHOUSE_DEFAULTS.intervalMinutes),
  /** How long after a window ends it is written: the change log of a window is complete by then. */
  WAREHOUSE_LAG_MINUTES: z.coerce.number().int().min(1).max(60).default(WAREHOUSE_DEFAULTS.lagMinutes),
});

export type Config = z.infer<typeof EnvSchema>;

let cached: Config | undefined;

/**
 * The process configuration, parsed once. A missing or invalid variable
 * fails with its name, at cold start rather than on the first request.
 */
export function config(env: NodeJS.ProcessEnv = process.env): Config {
  if (cached && env === process.env) return cached;
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  if (env === process.env) cached = parsed.data;
  return parsed.data;
}

/**
 * The next `config()` reads the environment again, and what
 * `perConfiguration` built is built again. For a process that runs one
 * configuration after another in one module graph: the integration tests'
 * workers, where each test file has a table (and a DynamoDB Local) of its own.
 */
export function forgetConfig(): void {
  cached = undefined;
}

/** A value built from the configuration (a client, the stores), once per configuration: on AWS once per function instance. */
export function perConfiguration<T>(build: () => T): () => T {
  let built: { from: Config; value: T } | undefined;
  return () => {
    const from = config();
    if (built?.from !== from) built = { from, value: build() };
    return built.value;
  };
}

/** The warehouse bucket, for the export function: it cannot run without it. */
export function requireWarehouseBucket(): string {
  const bucket = config().WAREHOUSE_BUCKET;
  if (!bucket) throw new Error('Invalid configuration: WAREHOUSE_BUCKET is required by this function');
  return bucket;
}

/** The bus name, for the functions that publish: they cannot run without it. */
export function requireEventBusName(): string {
  const name = config().EVENT_BUS_NAME;
  if (!name) throw new Error('Invalid configuration: EVENT_BUS_NAME is required by this function');
  return name;
}
