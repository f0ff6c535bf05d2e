import { join } from 'node:path';
import * as z from 'zod';
import { projectRoot } from './dynamodb-local.ts';

const LocalEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DYNAMODB_LOCAL_PORT: z.coerce.number().int().min(1).max(65535).default(8000),
  TABLE_NAME: z.string().min(3).default('baton-local'),
  /** Where DynamoDB Local keeps its data between runs. */
  DATA_DIR: z.string().default(join(projectRoot, '.data', 'dynamodb')),
  /** Where the warehouse export writes its files locally (S3 on AWS): docs/warehouse.md. */
  WAREHOUSE_DIR: z.string().default(join(projectRoot, '.data', 'warehouse')),
});

export type LocalEnv = z.infer<typeof LocalEnvSchema>;

/** The local runtime's settings, with the same one-parse rule as `shared/config.ts`. */
export function localEnv(env: NodeJS.ProcessEnv = process.env): LocalEnv {
  const parsed = LocalEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  return parsed.data;
}
