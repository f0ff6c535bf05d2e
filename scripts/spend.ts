/**
 * `npm run spend -- import FILE --tenant T [--profile P] [--account A] [--currency C] [--locale L]`
 * `npm run spend -- --help`, `npm run spend -- import --help`
 *
 * Imports an ad platform's spend file (SPEC §12) straight into the table, as
 * `POST /v1/spend/imports` does but without its 4 MiB body limit. Against
 * the local table by default (start it with `npm start`); against a deployed
 * table when TABLE_NAME is set without DYNAMODB_ENDPOINT (AWS credentials and
 * AWS_REGION from the usual places).
 *
 * The commands are declared in spend/program.ts; this file only runs them.
 */
import './local/quiet-sdk.ts';
import { main } from './cli.ts';
import { spendProgram } from './spend/program.ts';

// The import's own answer and summary are the output; the handlers' logs only on request (POWERTOOLS_LOG_LEVEL=INFO).
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

await main(spendProgram);
