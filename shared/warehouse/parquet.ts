import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
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

/** How a column's values become what the writer takes (checked: a required column refuses null). */
function converter(column: Column): (value: string | number | null | undefined) => unknown {
  const convert =
    column.type === 'int64' ? (value: string | number) => BigInt(value) : column.type === 'timestamp' ? (value: string | number) => new Date(value) : column.type === 'double' ? Number : String;
  return (value) => {
    if (value === null || value === undefined) {
      if (!column.nullable) throw new Error(`Column ${column.name} is required`);
      return null;
    }
    return convert(value);
  };
}

/** Rows a row group holds: a window of a busy tenant is written a row group at a time. */
const ROW_GROUP_SIZE = 50_000;

/**
 * Rows coming a page at a time, as one Parquet file: each row group's
 * values gathered column by column as they come (the writer's columnar
 * input, about 1.5 times its rows input's speed, bench/RESULTS.md), so what
 * is held is one row group and the compressed file, never every row of a
 * busy window.
 */
export async function encodeParquet(table: WarehouseTableName, pages: AsyncIterable<readonly WarehouseRow[]> | Iterable<readonly WarehouseRow[]>): Promise<{ body: Uint8Array; rows: number }> {
  const { columns } = WAREHOUSE_TABLES[table];
  const names = columns.map((column) => column.name);
  const converters = columns.map(converter);
  const writer = new ByteWriter();
  const parquet = new ParquetWriter({ writer, schema: parquetSchema(table), codec: 'SNAPPY', createdBy: `baton warehouse v${WAREHOUSE_SCHEMA_VERSION}` });
  let gathered: unknown[][] = names.map(() => []);
  let rows = 0;
  const flush = async () => {
    if (gathered[0]!.length === 0) return;
    await parquet.write({ columnData: columns.map((column, i) => ({ name: column.name, data: gathered[i]!, nullable: column.nullable === true })), rowGroupSize: ROW_GROUP_SIZE });
    gathered = names.map(() => []);
  };
  for await (const page of pages) {
    for (const row of page) {
      for (let i = 0; i < names.length; i += 1) gathered[i]!.push(converters[i]!(row[names[i]!]));
      rows += 1;
      if (gathered[0]!.length === ROW_GROUP_SIZE) await flush();
    }
  }
  await flush();
  await parquet.finish();
  return { body: writer.getBytes(), rows };
}
