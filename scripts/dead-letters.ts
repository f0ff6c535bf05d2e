/**
 * `npm run dead-letters -- list [--json]`
 * `npm run dead-letters -- redrive [--id <id> …]`
 *
 * Locally: the letters `npm start` keeps in `.data/dead-letters.ndjson`,
 * delivered again in this process to the handler modules (with the local
 * table, as `npm run tenant` finds it). Against a deployed stack, with
 * `--queue-url` (or DEAD_LETTER_QUEUE_URL): the stack's SQS dead-letter
 * queue, whose events are put on the bus (`--bus` or EVENT_BUS_NAME) again.
 */
import './local/quiet-sdk.ts';
import { main } from './cli.ts';
import { deadLettersProgram } from './dead-letters/program.ts';

await main(deadLettersProgram);
