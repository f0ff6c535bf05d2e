import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { route as patchConfig } from '../../shared/api/routes/patch-config.ts';
import { type IssueDetail, MalformedJsonError } from '../../shared/errors.ts';
import { keyHandler } from '../../shared/http/handler.ts';
import { invalidUtf8Offset, parseJson, readJson } from '../../shared/http/parse.ts';
import { json } from '../../shared/http/problem.ts';
import { apiEvent, context } from '../support/events.ts';

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? utf8(part) : Buffer.from(part))));

/** The MalformedJsonError `read` throws (fails the test if it returns). */
function refusal(read: () => unknown): MalformedJsonError {
  try {
    read();
  } catch (error) {
    if (error instanceof MalformedJsonError) return error;
    throw error;
  }
  throw new Error('expected a MalformedJsonError, got a value');
}

/** The one detail of the MalformedJsonError reading `body` throws. */
function detailOf(body: Buffer | string): IssueDetail {
  const error = refusal(() => (typeof body === 'string' ? readJson(utf8(body)) : readJson(body)));
  expect(error.details).toHaveLength(1);
  return error.details[0]!;
}

describe('readJson: UTF-8', () => {
  // Non-ASCII before the bad byte, so a character count would give another number.
  const before = '{"name": "Zoë 😀 ';
  const at = Buffer.byteLength(before); // 20 bytes, 16 characters

  it.each([
    ['a stray continuation byte', [0x80]],
    ['an overlong two-byte form of "/"', [0xc0, 0xaf]],
    ['an overlong three-byte form', [0xe0, 0x80, 0xaf]],
    ['an overlong four-byte form', [0xf0, 0x80, 0x80, 0xaf]],
    ['a surrogate (U+D800) encoded in UTF-8', [0xed, 0xa0, 0x80]],
    ['a low surrogate (U+DFFF) encoded in UTF-8', [0xed, 0xbf, 0xbf]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a three-byte sequence cut short by an ASCII byte', [0xe2, 0x82]],
    ['a four-byte sequence cut short', [0xf0, 0x9f, 0x98]],
    ['a byte that never occurs in UTF-8 (0xFF)', [0xff]],
    ['a lead byte beyond F4', [0xf5, 0x80, 0x80, 0x80]],
  ])('refuses %s, naming the offset of its first byte', (_kind, bad) => {
    expect(detailOf(bytes(before, bad, '"}'))).toEqual({ path: '', code: 'invalid_utf8', message: `invalid UTF-8 at byte ${at}`, offset: at });
  });

  it('refuses a sequence truncated by the end of the body', () => {
    const body = bytes('"abc', [0xf0, 0x9f, 0x98]);
    expect(detailOf(body)).toMatchObject({ code: 'invalid_utf8', offset: 4 });
  });

  it('names only the first bad byte when there are several', () => {
    expect(detailOf(bytes('["', [0xc3], '", "', [0xff], '"]'))).toMatchObject({ offset: 2 });
  });

  it('says in the error message where the bad byte is', () => {
    expect(refusal(() => readJson(bytes('"', [0xff], '"'))).message).toBe('The body is not valid UTF-8: invalid UTF-8 at byte 1.');
  });

  it('accepts and skips a leading UTF-8 byte order mark', () => {
    expect(readJson(bytes([0xef, 0xbb, 0xbf], '{"a": "é"}'))).toEqual({ a: 'é' });
  });

  it('counts the byte order mark in the offsets it reports', () => {
    expect(detailOf(bytes([0xef, 0xbb, 0xbf], '{"a": }'))).toMatchObject({ code: 'syntax_error', offset: 9 });
  });

  it('does not take a byte order mark after the start for whitespace', () => {
    expect(detailOf(bytes('{"a": 1}', [0xef, 0xbb, 0xbf]))).toMatchObject({ code: 'syntax_error', offset: 8 });
  });

  it('finds the first ill-formed sequence exactly where a strict decoder first fails (property)', { timeout: 30_000 }, () => {
    const fatal = new TextDecoder('utf-8', { fatal: true });
    const decodes = (data: Uint8Array) => {
      try {
        fatal.decode(data);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 5 }), fc.string({ unit: 'binary' }), (head, junk, tail) => {
        const data = Buffer.concat([utf8(head), junk, utf8(tail)]);
        const offset = invalidUtf8Offset(data);
        expect(offset === -1).toBe(decodes(data));
        if (offset >= 0) {
          expect(offset).toBeGreaterThanOrEqual(Buffer.byteLength(head));
          expect(decodes(data.subarray(0, offset))).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('reads a Uint8Array that is a view into a larger buffer', () => {
    const whole = utf8('xx{"a": [1, 2]}yy');
    expect(readJson(new Uint8Array(whole.buffer, whole.byteOffset + 2, whole.length - 4))).toEqual({ a: [1, 2] });
  });
});

describe('readJson: empty bodies', () => {
  it.each([
    ['no bytes', Buffer.alloc(0)],
    ['only whitespace', utf8(' \r\n\t ')],
    ['only a byte order mark', bytes([0xef, 0xbb, 0xbf])],
  ])('refuses %s as an empty body', (_kind, body) => {
    const error = refusal(() => readJson(body));
    expect(error.message).toBe('The body is empty; a JSON document is expected.');
    expect(error.details).toEqual([]);
  });
});

describe('readJson: duplicated keys', () => {
  it('refuses a key repeated at the top level, with the empty path', () => {
    expect(detailOf('{"amount": "10.00", "amount": "1000.00"}')).toEqual({
      path: '',
      code: 'duplicate_key',
      message: 'the key "amount" appears twice in this object',
      offset: 20,
    });
  });

  it('names the path of the object holding the repeated key, array indexes as numbers', () => {
    const body = '{"touches": [{}, {}, {}, {"person": {"email": "a@x.io", "email": "b@x.io"}}]}';
    expect(detailOf(body)).toMatchObject({ path: 'touches.3.person', code: 'duplicate_key', message: 'the key "email" appears twice in this object' });
  });

  it('points the offset at the second occurrence of the key', () => {
    const body = '{"a": 1, "b": {"c": 1, "c": 2}}';
    expect(detailOf(body).offset).toBe(body.lastIndexOf('"c"'));
  });

  it('compares keys after unescaping', () => {
    expect(detailOf('{"a": 1, "\\u0061": 2}')).toMatchObject({ code: 'duplicate_key', message: 'the key "a" appears twice in this object' });
    expect(detailOf('{"\\u00e9": 1, "é": 2}')).toMatchObject({ code: 'duplicate_key', message: 'the key "é" appears twice in this object' });
    expect(detailOf('{"\\ud83d\\ude00": 1, "😀": 2}')).toMatchObject({ code: 'duplicate_key' });
  });

  it('writes the keys of the path unescaped', () => {
    expect(detailOf('{"t\\u006fuches": [{"x": 1, "x": 2}]}')).toMatchObject({ path: 'touches.0' });
  });

  it('says in the error message which key and which object', () => {
    const error = refusal(() => readJson(utf8('{"a": {"b": 1, "b": 2}}')));
    expect(error.message).toBe('The body repeats a key: the key "b" appears twice in the object at a, at byte 15 (line 1, column 16).');
  });

  it('accepts the same key in different objects', () => {
    expect(readJson(utf8('[{"a": 1}, {"a": 2}, {"a": {"a": 3}}]'))).toEqual([{ a: 1 }, { a: 2 }, { a: { a: 3 } }]);
  });

  it('accepts keys that differ only in case or by normalisation', () => {
    expect(readJson(utf8('{"a": 1, "A": 2, "é": 3, "e\\u0301": 4}'))).toEqual({ a: 1, A: 2, é: 3, 'e\u0301': 4 });
  });

  it('refuses a repeated __proto__ key like any other', () => {
    expect(detailOf('{"__proto__": {}, "__proto__": {}}')).toMatchObject({ code: 'duplicate_key', path: '' });
  });

  it('finds a repeated key after a closed nested object at the same depth', () => {
    expect(detailOf('{"a": {"x": 1}, "b": {"x": 1}, "a": 2}')).toMatchObject({ path: '', message: 'the key "a" appears twice in this object' });
  });

  it('detects a key inserted twice into any object of a random document, with that object’s path (property)', () => {
    const MARKER = 'strict-json-test-marker-7f3a';
    const key = fc.string({ unit: 'binary', maxLength: 6 });
    const filler = fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' });
    const segment = fc.oneof(
      fc.record({ key, siblings: fc.dictionary(key, filler, { maxKeys: 3 }) }),
      fc.record({ before: fc.array(filler, { maxLength: 3 }), after: fc.array(filler, { maxLength: 2 }) }),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), fc.dictionary(key, filler, { minKeys: 1, maxKeys: 6 }), fc.nat(), fc.nat(), fc.boolean(), (segments, target, pick, at, escapeAll) => {
        // The document: the target object wrapped in each segment, innermost last.
        let document: unknown = MARKER;
        const path: string[] = [];
        for (const part of [...segments].reverse()) {
          if ('key' in part) {
            const object: Record<string, unknown> = { ...part.siblings };
            Object.defineProperty(object, part.key, { value: document, enumerable: true, writable: true, configurable: true });
            document = object;
            path.unshift(part.key);
          } else {
            document = [...part.before, document, ...part.after];
            path.unshift(String(part.before.length));
          }
        }
        const entries = Object.entries(target);
        const [repeated] = entries[pick % entries.length]!;
        // Escaped: every UTF-16 unit as \uXXXX, so only unescaping shows the key is the same.
        const units = Array.from({ length: repeated.length }, (_, k) => `\\u${repeated.charCodeAt(k).toString(16).padStart(4, '0')}`);
        const spelled = escapeAll ? `"${units.join('')}"` : JSON.stringify(repeated);
        const members = entries.map(([name, value]) => `${JSON.stringify(name)}: ${JSON.stringify(value)}`);
        const position = (pick % entries.length) + 1 + (at % (entries.length - (pick % entries.length)));
        members.splice(position, 0, `${spelled}: null`);
        const text = JSON.stringify(document);
        fc.pre(text.split(JSON.stringify(MARKER)).length === 2);
        const body = text.replace(JSON.stringify(MARKER), `{${members.join(', ')}}`);
        expect(detailOf(body)).toMatchObject({
          path: path.filter((part) => part !== '').join('.'),
          code: 'duplicate_key',
          message: `the key ${JSON.stringify(repeated)} appears twice in this object`,
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('readJson: surrogates', () => {
  it.each([
    ['a high surrogate alone', '"\\ud800"', 'the escape \\ud800 is a high surrogate not followed by a low surrogate escape'],
    ['a high surrogate before a plain character', '"\\ud83dx"', 'the escape \\ud83d is a high surrogate not followed by a low surrogate escape'],
    ['a high surrogate before an escape that is not a low surrogate', '"\\ud800\\u0041"', 'the escape \\ud800 is a high surrogate not followed by a low surrogate escape'],
    ['two high surrogates', '"\\ud800\\ud800"', 'the escape \\ud800 is a high surrogate not followed by a low surrogate escape'],
    ['a low surrogate alone', '"\\udc00"', 'the escape \\udc00 is a low surrogate without a high surrogate before it'],
    ['a pair in the wrong order', '"\\ude00\\ud83d"', 'the escape \\ude00 is a low surrogate without a high surrogate before it'],
  ])('refuses %s', (_kind, body, reason) => {
    expect(detailOf(body)).toEqual({ path: '', code: 'invalid_unicode_escape', message: `${reason} at byte 1 (line 1, column 2)`, offset: 1 });
  });

  it('refuses a lone surrogate escape in a key, naming the object', () => {
    expect(detailOf('{"ok": {"\\udfff": 1}}')).toMatchObject({ code: 'invalid_unicode_escape', path: 'ok', offset: 9 });
  });

  it('refuses a lone surrogate escape deep in a value, naming its path and position', () => {
    const body = '{"touches": [{"person": {"email": "a\\ud800@x.io"}}]}';
    expect(detailOf(body)).toMatchObject({ code: 'invalid_unicode_escape', path: 'touches.0.person.email', offset: body.indexOf('\\ud800') });
  });

  it('reads an escaped surrogate pair as its character', () => {
    expect(readJson(utf8('["\\ud83d\\ude00", "\\uD834\\uDD1E"]'))).toEqual(['😀', '𝄞']);
  });

  it('reads non-ASCII text unchanged', () => {
    const text = 'Zoë Ørsted — 東京 😀 𝄞 \u200d';
    expect(readJson(utf8(JSON.stringify({ [text]: text })))).toEqual({ [text]: text });
  });
});

describe('readJson: syntax errors', () => {
  it.each([
    ['a trailing comma in an object', '{"a": 1,}', 8, "expected a key in double quotes, found '}'"],
    ['a trailing comma in an array', '[1, 2,]', 6, "expected a value, found ']'"],
    ['a missing value', '{"a": }', 6, "expected a value, found '}'"],
    ['a missing colon', '{"a" 1}', 5, "expected ':' after a key, found '1'"],
    ['a single-quoted string', "{'a': 1}", 1, "expected a key in double quotes, found '''"],
    ['a leading zero', '[01]', 2, 'a number cannot have a leading zero'],
    ['a bare decimal point', '[1.]', 3, "expected a digit after the decimal point, found ']'"],
    ['an unknown literal', '[nul]', 1, "expected a value, found 'n'"],
    ['NaN', '[NaN]', 1, "expected a value, found 'N'"],
    ['content after the document', '{} {}', 3, "expected the end of the body after the JSON document, found '{'"],
    ['an unclosed string', '["abc', 1, 'a string is not closed before the end of the body'],
    ['an unclosed array', '[1, 2', 5, "expected ',' or ']', found the end of the body"],
    ['a raw control character in a string', '["a\tb"]', 3, 'the control character U+0009 must be escaped in a string'],
    ['an unknown escape', '["\\x41"]', 2, "invalid escape in a string: \\ followed by 'x'"],
    ['a short \\u escape', '["\\u12"]', 2, 'a \\u escape needs four hex digits'],
  ])('refuses %s, naming the byte, line and column', (_kind, body, offset, reason) => {
    expect(detailOf(body)).toMatchObject({ code: 'syntax_error', offset, message: `${reason} at byte ${offset} (line 1, column ${offset + 1})` });
  });

  it('counts lines, columns in characters and offsets in bytes', () => {
    const body = '{\n  "name": "Zoë 😀",\n  "amount": 12,5\n}';
    const detail = detailOf(body);
    expect(detail.offset).toBe(Buffer.byteLength(body.slice(0, body.indexOf('5\n'))));
    expect(detail.message).toBe("expected a key in double quotes, found '5' at byte 40 (line 3, column 16)");
  });

  it('names the path where the document broke', () => {
    expect(detailOf('{"touches": [{"kind": "click"}, {"kind": click}]}')).toMatchObject({ code: 'syntax_error', path: 'touches.1.kind' });
  });

  it('says in the error message that the body is not JSON and where', () => {
    expect(refusal(() => readJson(utf8('{"a": }'))).message).toBe("The body is not valid JSON: expected a value, found '}', at byte 6 (line 1, column 7).");
  });

  it('refuses whatever JSON.parse refuses, always saying where (property)', () => {
    const mutated = fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat(), fc.nat({ max: 2 }), fc.constantFrom(...'{}[],:"\\ 0-.eEtfnu'.split(''), 'x')).map(([value, at, how, ch]) => {
      const text = JSON.stringify(value);
      const k = at % (text.length + 1);
      return how === 0 ? text.slice(0, k) + text.slice(k + 1) : how === 1 ? text.slice(0, k) + ch + text.slice(k) : text.slice(0, k) + ch + text.slice(k + 1);
    });
    fc.assert(
      fc.property(mutated, (text) => {
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          if (text.trim() === '') return;
          const detail = detailOf(text);
          expect(['syntax_error', 'duplicate_key', 'invalid_unicode_escape']).toContain(detail.code);
          expect(detail.offset).toBeGreaterThanOrEqual(0);
          return;
        }
        try {
          expect(readJson(utf8(text))).toStrictEqual(expected);
        } catch (error) {
          if (!(error instanceof MalformedJsonError)) throw error;
          expect(['duplicate_key', 'invalid_unicode_escape']).toContain(error.details[0]?.code);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('readJson: values', () => {
  it('gives the value JSON.parse gives for any JSON document (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), fc.constantFrom(undefined, 2), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(readJson(utf8(text))).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('reads numbers as JSON.parse does', () => {
    const text = '[0, -0, 1.5e3, 12345678901234567890, 1e400, 0.1, -1E-7]';
    expect(readJson(utf8(text))).toStrictEqual(JSON.parse(text));
  });

  it('keeps __proto__ as a plain own key and never changes a prototype', () => {
    const value = readJson(utf8('{"__proto__": {"polluted": true}, "a": {"__proto__": null}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(value.a)).toBe(Object.prototype);
  });

  it('reads a document nested far deeper than the call stack allows recursion', () => {
    const depth = 100_000;
    const value = readJson(utf8('['.repeat(depth) + ']'.repeat(depth)));
    expect(Array.isArray(value)).toBe(true);
    expect(detailOf(`${'{"a":'.repeat(depth)}{"b": 1, "b": 2}${'}'.repeat(depth)}`)).toMatchObject({ code: 'duplicate_key', path: Array(depth).fill('a').join('.') });
  });

  it('reads a large batch with many objects and escapes', () => {
    const touches = Array.from({ length: 500 }, (_, n) => ({ touchId: `t-${n}`, person: { email: `p${n}@x.io`, name: 'Zoë "Z" \\ 😀' }, tags: [n, null, true] }));
    const text = JSON.stringify({ touches });
    expect(readJson(utf8(text))).toStrictEqual(JSON.parse(text));
  });
});

describe('parseJson (text already decoded)', () => {
  it('refuses a repeated key as readJson does', () => {
    expect(refusal(() => parseJson('{"a": 1, "a": 2}')).details).toEqual([{ path: '', code: 'duplicate_key', message: 'the key "a" appears twice in this object', offset: 9 }]);
  });

  it('refuses a lone surrogate escape as readJson does', () => {
    expect(refusal(() => parseJson('"\\udc00"')).details[0]).toMatchObject({ code: 'invalid_unicode_escape', offset: 1 });
  });

  it('refuses a lone surrogate in the text itself', () => {
    expect(refusal(() => parseJson('{"a": "x\ud800"}')).details[0]).toMatchObject({ code: 'invalid_unicode', path: 'a', offset: 8 });
  });

  it('skips a leading byte order mark', () => {
    expect(parseJson('\ufeff{"a": 1}')).toEqual({ a: 1 });
  });

  it('refuses an empty text', () => {
    expect(refusal(() => parseJson('   ')).message).toBe('The body is empty; a JSON document is expected.');
  });
});

describe('ApiRequest.json through the handler chain', () => {
  const admin = { tenantId: 'acme', scopes: 'admin' };
  const Body = z.object({ person: z.object({ email: z.string() }) });
  // patch-config is an admin key route (shared/api/routes/patch-config.ts)
  const echo = keyHandler(patchConfig, async (request) => json(200, request.json(Body)));
  const problemOf = async (event: ReturnType<typeof apiEvent>) => {
    const result = await echo(event, context);
    return { status: result.statusCode, body: JSON.parse(result.body as string) as { error: { code: string; message: string; details: IssueDetail[] } } };
  };

  it('answers 400 malformed_json naming a repeated key and the object holding it', async () => {
    const { status, body } = await problemOf(apiEvent({ authorizer: admin, body: '{"person": {"email": "a@x.io", "email": "b@x.io"}}' }));
    expect(status).toBe(400);
    expect(body.error).toEqual({
      code: 'malformed_json',
      message: expect.stringContaining('the key "email" appears twice'),
      details: [{ path: 'person', code: 'duplicate_key', message: 'the key "email" appears twice in this object', offset: 31 }],
    });
  });

  it('answers 400 malformed_json with the byte offset of invalid UTF-8 in a base64 body', async () => {
    const raw = bytes('{"person": {"email": "a', [0xc0, 0x80], '@x.io"}}');
    const { status, body } = await problemOf(apiEvent({ authorizer: admin, body: raw.toString('base64'), isBase64Encoded: true }));
    expect(status).toBe(400);
    expect(body.error.code).toBe('malformed_json');
    expect(body.error.details).toEqual([{ path: '', code: 'invalid_utf8', message: 'invalid UTF-8 at byte 23', offset: 23 }]);
  });

  it('answers 400 malformed_json for a lone surrogate escape, with its path', async () => {
    const { status, body } = await problemOf(apiEvent({ authorizer: admin, body: '{"person": {"email": "\\ud800@x.io"}}' }));
    expect(status).toBe(400);
    expect(body.error.details).toEqual([expect.objectContaining({ path: 'person.email', code: 'invalid_unicode_escape', offset: 22 })]);
  });

  it('still hands a valid body with a byte order mark to the schema', async () => {
    const raw = bytes([0xef, 0xbb, 0xbf], '{"person": {"email": "zoë@x.io"}}');
    const result = await echo(apiEvent({ authorizer: admin, body: raw.toString('base64'), isBase64Encoded: true }), context);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body as string)).toEqual({ person: { email: 'zoë@x.io' } });
  });
});
