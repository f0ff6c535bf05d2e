/**
 * `npm run tenant -- create <tenantId> [--currency USD] [--timezone Europe/Berlin]`
 * `npm run tenant -- rotate-secret <tenantId> <provider>`   (Baton generates the new secret)
 * `npm run tenant -- set-secret <tenantId> <provider> <secret>`   (the provider issued it: Shopify, Stripe)
 * `npm run tenant -- rotate-key <tenantId> <scope> [--overlap-hours 24]`
 * `npm run tenant -- list`, `migrate <tenantId>`, `apply-retention <tenantId>`
 * `npm run tenant -- --help`, `npm run tenant -- <command> --help`
 *
 * Against the local table by default (start it with `npm start`); against a
 * deployed table when TABLE_NAME is set without DYNAMODB_ENDPOINT (AWS
 * credentials and AWS_REGION from the usual places).
 *
 * The commands are declared in tenant/program.ts; this file only runs them.
 */
import './local/quiet-sdk.ts';
import { main } from './cli.ts';
import { tenantProgram } from './tenant/program.ts';

await main(tenantProgram);
