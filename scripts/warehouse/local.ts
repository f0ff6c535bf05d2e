import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { WarehouseFiles } from '../../shared/warehouse/ports.ts';
import { type ColumnType, WAREHOUSE_TABLE_NAMES, WAREHOUSE_TABLES, type WarehouseTableName } from '../../shared/warehouse/tables.ts';
import { currentViews } from '../../shared/warehouse/views.ts';

/** The warehouse's files in a folder (`.data/warehouse` under `npm start`): what S3 holds on AWS, path for path. */
export class FolderFiles implements WarehouseFiles {
  constructor(readonly directory: string) {}

  async put(path: string, body: Uint8Array): Promise<void> {
    const file = join(this.directory, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, body);
  }

  async get(path: string): Promise<Uint8Array> {
    return readFileSync(join(this.directory, path));
  }

  async list(prefix: string): Promise<string[]> {
    const folder = join(this.directory, prefix);
    if (!existsSync(folder)) return [];
    return readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(this.directory, join(entry.parentPath, entry.name)).split(sep).join('/'))
      .sort();
  }
}

const DUCKDB_TYPES: Record<ColumnType, string> = { string: 'VARCHAR', int64: 'BIGINT', double: 'DOUBLE', timestamp: 'TIMESTAMP WITH TIME ZONE' };

const hasFiles = (directory: string): boolean => {
  try {
    return readdirSync(directory, { recursive: true }).some((name) => String(name).endsWith('.parquet'));
  } catch {
    return false;
  }
};

/**
 * A table as Athena's Glue table shows it: the files' declared columns, then
 * the partitions `tenant` and `day` (strings, as Glue declares them). With no
 * file yet, an empty table of the same columns.
 */
function baseTableSql(directory: string, name: WarehouseTableName): string {
  const table = WAREHOUSE_TABLES[name];
  const tableDirectory = join(directory, 'v1', name);
  if (!hasFiles(tableDirectory)) {
    const columns = table.columns.map((column) => `CAST(NULL AS ${DUCKDB_TYPES[column.type]}) AS ${column.name}`);
    return `CREATE OR REPLACE VIEW ${name} AS SELECT ${[...columns, 'CAST(NULL AS VARCHAR) AS tenant', 'CAST(NULL AS VARCHAR) AS day'].join(', ')} WHERE false`;
  }
  const glob = join(tableDirectory, '*', '*', '*.parquet').replaceAll("'", "''");
  const columns = table.columns.map((column) => column.name).join(', ');
  return `CREATE OR REPLACE VIEW ${name} AS SELECT ${columns}, tenant, day FROM read_parquet('${glob}', hive_partitioning = true, hive_types = {'tenant': VARCHAR, 'day': VARCHAR})`;
}

export type Row = Record<string, unknown>;

/**
 * DuckDB over the warehouse's folder, with the tables and the same
 * `<table>_current` views Athena runs (shared/warehouse/views.ts). The
 * session's time zone is UTC, as Athena's is, so instants compare the same.
 */
export async function openWarehouse(directory: string): Promise<{ query(sql: string): Promise<Row[]>; close(): void }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  for (const name of WAREHOUSE_TABLE_NAMES) await connection.run(baseTableSql(directory, name));
  for (const view of currentViews()) await connection.run(view.sql);
  return {
    async query(sql: string) {
      return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Row[];
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
