/**
 * Domain errors. They know nothing of HTTP: the edge (`shared/http/problem.ts`)
 * maps each class to a status code with `instanceof`.
 */
import type * as z from 'zod';
import type { IssueSchema } from './api/responses/common.ts';

/** One reason an input was refused, as answers carry it. */
export type IssueDetail = z.infer<typeof IssueSchema>;

export abstract class BatonError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that is malformed or breaks a rule of the contract. */
export class ValidationError extends BatonError {
  readonly code = 'invalid_request';
  constructor(
    message: string,
    readonly details: IssueDetail[] = [],
  ) {
    super(message);
  }
}

/** A body that is not strict JSON (see `readJson`): `details` says what and where. */
export class MalformedJsonError extends BatonError {
  readonly code = 'malformed_json';
  constructor(
    message: string,
    readonly details: IssueDetail[] = [],
  ) {
    super(message);
  }
}

export class PayloadTooLargeError extends BatonError {
  readonly code = 'payload_too_large';
  constructor(readonly limitBytes: number) {
    super(`The body is larger than ${limitBytes} bytes.`);
  }
}

/** A file that was read but cannot be taken (a spend file, SPEC §12): `details` names every bad line. */
export class UnprocessableFileError extends BatonError {
  readonly code = 'invalid_file';
  constructor(
    message: string,
    readonly details: IssueDetail[] = [],
  ) {
    super(message);
  }
}

/** A well-formed request that cannot be acted on as it is (a reopening without its reason): `details` says what is missing. */
export class UnprocessableError extends BatonError {
  readonly code = 'unprocessable';
  constructor(
    message: string,
    readonly details: IssueDetail[] = [],
  ) {
    super(message);
  }
}

export class UnauthenticatedError extends BatonError {
  readonly code = 'unauthenticated';
}

export class ForbiddenError extends BatonError {
  readonly code = 'forbidden';
}

export class NotFoundError extends BatonError {
  readonly code = 'not_found';
}

/** The same id was reused with different content, or a refund or cancellation cannot count against its order. */
export class ConflictError extends BatonError {
  readonly code = 'conflict';
  constructor(
    message: string,
    readonly details: IssueDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The store kept throttling after the client's own retries. */
export class StoreUnavailableError extends BatonError {
  readonly code = 'store_unavailable';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
