import { parse } from 'csv-parse/sync';
import { type BadLine, SpendFileError } from './errors.ts';

export type Delimiter = ',' | '\t' | ';';
export const DELIMITERS: readonly Delimiter[] = [',', '\t', ';'];

/** A record of the file: its cells and the 1-based physical line it starts on. */
export interface Row {
  line: number;
  cells: string[];
}

/** Line breaks as the platforms write them: CRLF (Google, LinkedIn, Microsoft), LF, or a lone CR. */
const RECORD_DELIMITERS = ['\r\n', '\n', '\r'];

/**
 * The decoded file as UTF-8 bytes (what csv-parse reads, and counts its error offsets in) and where
 * each physical line starts: to read from a given line on, and to name the line of a CSV error.
 */
export class Lines {
  readonly bytes: Buffer;
  private readonly starts: number[] = [0];

  constructor(text: string) {
    this.bytes = Buffer.from(text, 'utf8');
    const bytes = this.bytes;
    for (let i = 0; i < bytes.length; i += 1) {
      const byte = bytes[i];
      if (byte === 0x0a) this.starts.push(i + 1);
      else if (byte === 0x0d) {
        if (bytes[i + 1] === 0x0a) i += 1;
        this.starts.push(i + 1);
      }
    }
  }

  /** Byte offset where line `line` (1-based) starts; the end of the file past the last line. */
  startOf(line: number): number {
    return this.starts[line - 1] ?? this.bytes.length;
  }

  /** The 1-based line holding byte `offset`. */
  lineOf(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  }

  /** The text of lines `from`…`to` (inclusive), without the final line break. */
  text(from: number, to: number): string {
    return this.bytes
      .subarray(this.startOf(from), this.startOf(to + 1))
      .toString('utf8')
      .replace(/\r?\n$|\r$/, '');
  }
}

/**
 * The records of the file from the line `fromLine` on (up to `toLine`, when given), each with the
 * line it starts on. Strict RFC 4180 unless `lenient` (the header search reads free-text title lines
 * with it); a malformed record is a {@link SpendFileError} naming its line.
 *
 * A record's line is counted rather than asked of csv-parse (its `info` doubles the parse time, and
 * its line count takes a CRLF inside a quoted cell for two lines): each record takes one line plus
 * the line breaks inside its cells, which csv-parse keeps as written.
 */
export function readRows(lines: Lines, delimiter: Delimiter, fromLine: number, options: { toLine?: number; lenient?: boolean } = {}): Row[] {
  const base = lines.startOf(fromLine);
  const end = options.toLine === undefined ? lines.bytes.length : lines.startOf(options.toLine + 1);
  let records: string[][];
  try {
    records = parse(lines.bytes.subarray(base, end), {
      delimiter,
      record_delimiter: RECORD_DELIMITERS,
      relax_column_count: true,
      relax_quotes: options.lenient === true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (error) {
    const failure = error as { code?: string; bytes?: number; lines?: number };
    const line = typeof failure.bytes === 'number' ? lines.lineOf(base + failure.bytes) : (failure.lines ?? 0) + fromLine - 1;
    throw new SpendFileError([{ line, reason: csvProblem(failure.code) } satisfies BadLine]);
  }
  const rows: Row[] = new Array(records.length);
  let line = fromLine;
  for (let i = 0; i < records.length; i += 1) {
    const cells = records[i]!;
    rows[i] = { line, cells };
    line += 1;
    for (const cell of cells) if (cell.includes('\n') || cell.includes('\r')) line += lineBreaks(cell);
  }
  return rows;
}

/** Line breaks in a cell: CRLF, LF or a lone CR, each one. */
function lineBreaks(cell: string): number {
  let breaks = 0;
  for (let i = 0; i < cell.length; i += 1) {
    const code = cell.charCodeAt(i);
    if (code === 10) breaks += 1;
    else if (code === 13) {
      breaks += 1;
      if (cell.charCodeAt(i + 1) === 10) i += 1;
    }
  }
  return breaks;
}

function csvProblem(code: string | undefined): string {
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted cell is never closed';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quoted cell has more text after its closing quote';
    case 'CSV_INVALID_OPENING_QUOTE':
      return 'a quote opens in the middle of a cell (quote the whole cell and double the quote)';
    default:
      return `the line is not readable as CSV (${code ?? 'unknown error'})`;
  }
}
