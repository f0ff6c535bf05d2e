import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from 'zod';

// Binary values (a gzipped attribution inside a written-ahead step) travel as base64: JSON would make them arrays of numbers, and read them back as such.
const BINARY = '$binary';

/** A value as a gzipped JSON attribute: large bodies (projections, attributions) stay far below DynamoDB's 400 KB item. */
export function pack(value: unknown): Uint8Array {
  return gzipSync(
    JSON.stringify(value, function (this: Record<string, unknown>, name, plain) {
      const raw = this[name];
      return raw instanceof Uint8Array ? { [BINARY]: Buffer.from(raw).toString('base64') } : plain;
    }),
  );
}

/**
 * A packed attribute as read. Its content is typed by the entity that
 * packed it (the only writer of that attribute), not checked field by field:
 * its shape is the domain's (an attribution result, a projection).
 */
export function packed<T>() {
  return z
    .instanceof(Uint8Array)
    .transform(
      (value): T =>
        JSON.parse(gunzipSync(value).toString('utf8'), (_name, parsed) =>
          parsed && typeof parsed === 'object' && typeof parsed[BINARY] === 'string' ? Buffer.from(parsed[BINARY], 'base64') : parsed,
        ),
    );
}
