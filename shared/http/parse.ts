import type * as z from 'zod';
import { MalformedJsonError, ValidationError } from '../errors.ts';
import { issueDetails } from '../validation.ts';

export function parseJson(text: string): unknown {
  if (text.trim() === '') throw new MalformedJsonError('The body is empty; a JSON document is expected.');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MalformedJsonError(`The body is not valid JSON: ${(error as Error).message}`);
  }
}

/** `value` validated by `schema`, or a 400 naming the path of each invalid field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ValidationError(`The request ${where} is invalid.`, issueDetails(parsed.error, where === 'body' ? undefined : where));
}
