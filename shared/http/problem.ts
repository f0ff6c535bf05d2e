import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  BatonError,
  ConflictError,
  ForbiddenError,
  MalformedJsonError,
  NotFoundError,
  PayloadTooLargeError,
  StoreUnavailableError,
  UnauthenticatedError,
  UnprocessableError,
  UnprocessableFileError,
  ValidationError,
} from '../errors.ts';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string> };

/** docs/contract.md#errors: `{"error": {"code", "message", "details"}}`. */
export interface ProblemBody {
  error: { code: string; message: string; details: unknown };
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function problem(statusCode: number, code: string, message: string, details: unknown = [], headers: Record<string, string> = {}): HttpResult {
  const body: ProblemBody = { error: { code, message, details } };
  return json(statusCode, body, headers);
}

function statusOf(error: BatonError): number {
  if (error instanceof ValidationError || error instanceof MalformedJsonError) return 400;
  if (error instanceof UnauthenticatedError) return 401;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof PayloadTooLargeError) return 413;
  if (error instanceof UnprocessableFileError || error instanceof UnprocessableError) return 422;
  if (error instanceof StoreUnavailableError) return 503;
  return 500;
}

/**
 * The HTTP answer for a thrown error: domain errors become their status and
 * problem body; anything else is a generic 500 that exposes nothing but the
 * request id (the caller logs the detail).
 */
export function problemFor(error: unknown, requestId: string): HttpResult {
  if (error instanceof BatonError) {
    const status = statusOf(error);
    if (status !== 500) {
      const details =
        error instanceof ValidationError || error instanceof MalformedJsonError || error instanceof ConflictError || error instanceof UnprocessableFileError || error instanceof UnprocessableError
          ? error.details
          : [];
      const headers: Record<string, string> = {};
      if (error instanceof StoreUnavailableError) headers['retry-after'] = String(error.retryAfterSeconds);
      if (status === 401) headers['www-authenticate'] = 'Bearer';
      return problem(status, error.code, error.message, details, headers);
    }
  }
  return problem(500, 'internal', 'An internal error occurred. Quote the request id when reporting it.', { requestId });
}
