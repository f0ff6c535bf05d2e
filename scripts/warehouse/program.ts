/**
 * The commands of `npm run warehouse` (scripts/warehouse.ts), declared for scripts/cli.ts.
 *
 * `run` writes every tenant's due windows now, as the schedule does
 * (a timer under `npm start`, EventBridge Scheduler on AWS); `query` runs
 * SQL with DuckDB over the local files, with the same `<table>_current`
 * views Athena runs; `views` prints those views' SQL. Importing this
 * module runs nothing: tests run the program in-process with `runCli`.
 */
import { CliError, type CommandSpec, type ProgramSpec } from '../cli.ts';
import { dynamoDbLocalNotRunning, isConnectionRefused, useTableFromEnvironment } from '../local/cli-env.ts';
import { localEnv } from '../local/env.ts';

const json = (value: unknown) => JSON.stringify(value, (_name, field) => (typeof field === 'bigint' ? (Number.isSafeInteger(Number(field)) ? Number(field) : String(field)) : field));

/** Every tenant's due windows, into the local folder: what one run of the schedule writes. */
export async function runLocalExport(directory: string, now: Date = new Date()) {
  const [{ stores }, { config }, { exportAll, settingsOf }, { FolderFiles }, { dailyFigures }] = await Promise.all([
    import('../../shared/adapters/dynamodb/stores.ts'),
    import('../../shared/config.ts'),
    import('../../shared/warehouse/export.ts'),
    import('./local.ts'),
    import('../../shared/warehouse/daily.ts'),
  ]);
  const all = stores();
  const { tenants, warehouse, erasures } = all;
  return exportAll({ tenants, changes: warehouse, watermarks: warehouse, erasures, files: new FolderFiles(directory), daily: dailyFigures(all) }, now, settingsOf(config()));
}

const run: CommandSpec = {
  name: 'run',
  summary: 'write every tenant’s windows that are due, now, as the schedule would',
  description: 'A window is written once it ended WAREHOUSE_LAG_MINUTES ago (default 5); windows are WAREHOUSE_INTERVAL_MINUTES long (default 15).',
  async run({ out }) {
    useTableFromEnvironment();
    const { DYNAMODB_ENDPOINT } = process.env;
    try {
      const exported = await runLocalExport(localEnv().WAREHOUSE_DIR);
      out(
        json({
          directory: localEnv().WAREHOUSE_DIR,
          tenants: exported.exported.map((tenant) => ({ tenantId: tenant.tenantId, windows: tenant.windows.length, through: tenant.through, erasures: tenant.erased.erasures })),
        }),
      );
    } catch (error) {
      if (isConnectionRefused(error)) throw new CliError(dynamoDbLocalNotRunning(DYNAMODB_ENDPOINT));
      throw error;
    }
  },
};

const query: CommandSpec = {
  name: 'query',
  summary: 'run SQL with DuckDB over the local files (tables and <table>_current views as in Athena)',
  args: [{ name: 'sql', description: "the query, e.g. \"SELECT channel, sum(credit_minor) FROM credits_current WHERE tenant = 'acme' AND model = 'linear' GROUP BY channel\"" }],
  async run({ args, out }) {
    const { openWarehouse } = await import('./local.ts');
    const warehouse = await openWarehouse(localEnv().WAREHOUSE_DIR);
    try {
      for (const row of await warehouse.query(args.sql!)) out(json(row));
    } catch (error) {
      throw new CliError(`DuckDB refused the query: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      warehouse.close();
    }
  },
};

const views: CommandSpec = {
  name: 'views',
  summary: 'print the <table>_current views’ SQL (what the stack saves as Athena named queries)',
  async run({ out }) {
    const { currentViews } = await import('../../shared/warehouse/views.ts');
    for (const view of currentViews()) out(`-- ${view.name}\n${view.sql};\n`);
  },
};

export const warehouseProgram: ProgramSpec = {
  invocation: 'npm run -s warehouse --',
  description: 'The warehouse export (docs/warehouse.md): Parquet files per tenant, table and window, queried with the same SQL locally (DuckDB) and on AWS (Athena).',
  commands: [run, query, views],
  epilogue: "Files: WAREHOUSE_DIR (default .data/warehouse). Athena wants `tenant = '<id>'` in every query; the same SQL runs here.",
};
