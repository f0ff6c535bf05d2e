import { stringify } from 'csv-stringify/sync';

/** CSV the spreadsheets read safely: RFC 4180 quoting by csv-stringify, CRLF, formula-looking cells neutralised (OWASP). */
const CSV_OPTIONS = { escape_formulas: true, record_delimiter: 'windows' as const };

export type Cell = string | number | boolean | null | undefined;

/** CSV records of the cells given (empty cells for null and undefined). */
export function csvRecords(records: readonly (readonly Cell[])[]): string {
  return stringify(
    records.map((record) => record.map((cell) => cell ?? '')),
    CSV_OPTIONS,
  );
}

/** A whole CSV document: a header of column names, then one record per row. */
export function csvTable<R>(columns: ReadonlyArray<{ name: string; value: (row: R) => Cell }>, rows: readonly R[]): string {
  return csvRecords([columns.map((column) => column.name), ...rows.map((row) => columns.map((column) => column.value(row)))]);
}

/** The headers of a CSV download, for any route that answers one. */
export function csvHeaders(filename: string): Record<string, string> {
  return { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` };
}
