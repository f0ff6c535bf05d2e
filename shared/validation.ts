import type * as z from 'zod';
import type { IssueDetail } from './errors.ts';

/** zod issues as problem details, each with the dotted path of its field. */
export function issueDetails(error: z.ZodError, prefix?: string): IssueDetail[] {
  const join = (parts: Array<PropertyKey | undefined>) =>
    parts
      .filter((part) => part !== undefined && part !== '')
      .map(String)
      .join('.');
  return error.issues.flatMap((issue): IssueDetail[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: join([prefix, ...issue.path, key]), message: `Unknown field "${key}"`, code: issue.code }))
      : [{ path: join([prefix, ...issue.path]), message: issue.message, code: issue.code }],
  );
}
