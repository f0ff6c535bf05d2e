import { WAREHOUSE_TABLE_NAMES, WAREHOUSE_TABLES, type WarehouseTable, type WarehouseTableName } from './tables.ts';

/**
 * The `<table>_current` views, in the SQL that Athena (Trino) and DuckDB
 * both run the same way: the stack saves them as Athena named queries, and
 * `npm run warehouse -- query` creates them in DuckDB over the local files.
 * Kept to what both engines share (no QUALIFY, no EXCLUDE, no integer
 * division): a test runs them in DuckDB.
 */

export const currentViewName = (table: WarehouseTableName) => `${table}_current` as const;

/** The declared columns, then the partitions: Athena's tenant projection wants `tenant = '…'` in every query, views included. */
const columnList = (table: WarehouseTable) => [...table.columns.map((column) => column.name), 'tenant', 'day'].join(', ');

/**
 * A key's latest version, unless it was deleted; for `set` tables, every row
 * of the key's latest version, once (a change the stream delivered twice is
 * in the files twice, under the same version).
 */
export function currentViewSql(name: WarehouseTableName): string {
  const table = WAREHOUSE_TABLES[name];
  // The partition first: a filter on `tenant` reaches the files under the window.
  const key = ['tenant', ...table.key].join(', ');
  const columns = columnList(table);
  if (table.versioning === 'set') {
    return [
      `CREATE OR REPLACE VIEW ${currentViewName(name)} AS`,
      `SELECT ${columns}`,
      `FROM (SELECT *, max(version) OVER (PARTITION BY ${key}) AS latest_version,`,
      `  row_number() OVER (PARTITION BY ${[key, ...(table.member ?? []), 'version'].join(', ')} ORDER BY updated_at) AS copy FROM ${name}) AS versions`,
      `WHERE version = latest_version AND copy = 1 AND op <> 'delete'`,
    ].join('\n');
  }
  return [
    `CREATE OR REPLACE VIEW ${currentViewName(name)} AS`,
    `SELECT ${columns}`,
    `FROM (SELECT *, row_number() OVER (PARTITION BY ${key} ORDER BY version DESC) AS latest FROM ${name}) AS versions`,
    `WHERE latest = 1 AND op <> 'delete'`,
  ].join('\n');
}

/** Every view, in the order they can be created. */
export const currentViews = (): Array<{ name: string; table: WarehouseTableName; sql: string }> =>
  WAREHOUSE_TABLE_NAMES.map((table) => ({ name: currentViewName(table), table, sql: currentViewSql(table) }));
