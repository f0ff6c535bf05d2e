import { ByteWriter, parquetWriteRows, type SchemaElement } from 'hyparquet-writer';
import { type Column, WAREHOUSE_SCHEMA_VERSION, WAREHOUSE_TABLES, type WarehouseRow, type WarehouseTableName } from './tables.ts';

/**
 * A table's rows as one Parquet file, with the schema declared in
 * `tables.ts` (never inferred from the data): strings as UTF-8 BYTE_ARRAY,
 * money and versions as INT64, instants as INT64 UTC milliseconds. The same
 * rows give the same bytes (no time or host in the file). hyparquet-writer
 * is pure JavaScript (about 1 MB, no native code for Lambda), the smallest
 * files of the writers measured and as fast as parquet-wasm: docs/warehouse.md.
 */

const REPETITION = (column: Column): 'OPTIONAL' | 'REQUIRED' => (column.nullable ? 'OPTIONAL' : 'REQUIRED');

function schemaElement(column: Column): SchemaElement {
  const repetition_type = REPETITION(column);
  switch (column.type) {
    case 'string':
      return { name: column.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type };
    case 'int64':
      return { name: column.name, type: 'INT64', repetition_type };
    case 'double':
      return { name: column.name, type: 'DOUBLE', repetition_type };
    case 'timestamp':
      return { name: column.name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' }, repetition_type };
  }
}

export function parquetSchema(table: WarehouseTableName): SchemaElement[] {
  const { columns } = WAREHOUSE_TABLES[table];
  return [{ name: 'schema', num_children: columns.length }, ...columns.map(schemaElement)];
}

function cell(column: Column, value: string | number | null | undefined): unknown {
  if (value === null || value === undefined) {
    if (!column.nullable) throw new Error(`Column ${column.name} is required`);
    return null;
  }
  switch (column.type) {
    case 'string':
      return String(value);
    case 'int64':
      return BigInt(value);
    case 'double':
      return Number(value);
    case 'timestamp':
      return new Date(value);
  }
}

/** Rows a row group holds: a window of a busy tenant is written a row group at a time. */
const ROW_GROUP_SIZE = 50_000;

/**
 * Rows coming a page at a time, as one Parquet file: converted and written a
 * row group at a time, so what is held is one row group and the compressed
 * file, never every row of a busy window.
 */
export async function encodeParquet(table: WarehouseTableName, pages: AsyncIterable<readonly WarehouseRow[]> | Iterable<readonly WarehouseRow[]>): Promise<{ body: Uint8Array; rows: number }> {
  const { columns } = WAREHOUSE_TABLES[table];
  const writer = new ByteWriter();
  let rows = 0;
  async function* cells() {
    for await (const page of pages) {
      for (const row of page) {
        rows += 1;
        yield Object.fromEntries(columns.map((column) => [column.name, cell(column, row[column.name])]));
      }
    }
  }
  await parquetWriteRows({
    writer,
    rows: cells(),
    columns: columns.map((column) => ({ name: column.name, nullable: column.nullable === true })),
    schema: parquetSchema(table),
    codec: 'SNAPPY',
    rowGroupSize: ROW_GROUP_SIZE,
    createdBy: `baton warehouse v${WAREHOUSE_SCHEMA_VERSION}`,
  });
  return { body: writer.getBytes(), rows };
}
