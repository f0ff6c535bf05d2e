import * as z from 'zod';

const EnvSchema = z.object({
  TABLE_NAME: z.string().min(1),
  /** Set locally to reach DynamoDB Local; absent on AWS. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** The EventBridge bus. Absent locally, where the in-process bus is used. */
  EVENT_BUS_NAME: z.string().min(1).optional(),
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

/** The bus name, for the functions that publish: they cannot run without it. */
export function requireEventBusName(): string {
  const name = config().EVENT_BUS_NAME;
  if (!name) throw new Error('Invalid configuration: EVENT_BUS_NAME is required by this function');
  return name;
}
