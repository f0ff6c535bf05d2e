import { fileError } from './errors.ts';

export type SpendFileEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/**
 * The text of a spend file, read strictly: a byte-order mark picks UTF-8, UTF-16LE or UTF-16BE,
 * no mark means UTF-8, and bytes that do not decode are refused (never replaced by U+FFFD).
 */
export function decodeSpendFile(bytes: Uint8Array): { text: string; encoding: SpendFileEncoding } {
  const { encoding, bomLength } = sniff(bytes);
  const body = bytes.subarray(bomLength);
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    const offset = firstUndecodable(body, encoding);
    const where = offset === undefined ? '' : ` (undecodable bytes at byte offset ${offset + bomLength})`;
    throw fileError(`the file is not valid ${label(encoding)}${where}; save it as UTF-8 or UTF-16 with a byte-order mark`);
  }
  if (text.trim() === '') throw fileError('the file is empty');
  if (encoding === 'utf-8' && text.includes('\u0000')) throw fileError('the file holds NUL characters: it looks like UTF-16 without a byte-order mark; save it with one, or as UTF-8');
  return { text, encoding };
}

function sniff(bytes: Uint8Array): { encoding: SpendFileEncoding; bomLength: number } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  return { encoding: 'utf-8', bomLength: 0 };
}

function label(encoding: SpendFileEncoding): string {
  return encoding === 'utf-8' ? 'UTF-8' : encoding === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE';
}

/** Where decoding fails (offset in `bytes`), for the error message; undefined if it cannot be told. */
function firstUndecodable(bytes: Uint8Array, encoding: SpendFileEncoding): number | undefined {
  return encoding === 'utf-8' ? firstBadUtf8(bytes) : firstBadUtf16(bytes, encoding === 'utf-16le');
}

function firstBadUtf8(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    // [length, lowest and highest allowed second byte] per Unicode table 3-7 (no overlongs, no surrogates, ≤ U+10FFFF)
    const shape: [number, number, number] | undefined =
      lead >= 0xc2 && lead <= 0xdf
        ? [2, 0x80, 0xbf]
        : lead === 0xe0
          ? [3, 0xa0, 0xbf]
          : lead === 0xed
            ? [3, 0x80, 0x9f]
            : lead >= 0xe1 && lead <= 0xef
              ? [3, 0x80, 0xbf]
              : lead === 0xf0
                ? [4, 0x90, 0xbf]
                : lead === 0xf4
                  ? [4, 0x80, 0x8f]
                  : lead >= 0xf1 && lead <= 0xf3
                    ? [4, 0x80, 0xbf]
                    : undefined;
    if (!shape) return i;
    const [length, low, high] = shape;
    const second = bytes[i + 1];
    if (second === undefined || second < low || second > high) return i;
    for (let k = 2; k < length; k += 1) {
      const next = bytes[i + k];
      if (next === undefined || next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return undefined;
}

function firstBadUtf16(bytes: Uint8Array, littleEndian: boolean): number | undefined {
  const unit = (at: number) => (littleEndian ? bytes[at]! | (bytes[at + 1]! << 8) : (bytes[at]! << 8) | bytes[at + 1]!);
  const whole = bytes.length - (bytes.length % 2);
  for (let i = 0; i < whole; i += 2) {
    const code = unit(i);
    if (code >= 0xdc00 && code <= 0xdfff) return i;
    if (code >= 0xd800 && code <= 0xdbff) {
      if (i + 2 >= whole) return i;
      const low = unit(i + 2);
      if (low < 0xdc00 || low > 0xdfff) return i;
      i += 2;
    }
  }
  return bytes.length % 2 === 1 ? bytes.length - 1 : undefined;
}
