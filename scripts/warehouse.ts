/**
 * `npm run warehouse -- run | query "SQL" | views`: the warehouse export's
 * local side (docs/warehouse.md). The commands are declared in
 * warehouse/program.ts; this file only runs them.
 */
import './local/quiet-sdk.ts';
import { main } from './cli.ts';
import { warehouseProgram } from './warehouse/program.ts';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

await main(warehouseProgram);
