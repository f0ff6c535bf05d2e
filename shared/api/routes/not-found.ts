import { NotFoundError } from '../../errors.ts';
import { openHandler } from '../../http/handler.ts';

/** API Gateway's `$default` route: whatever no declared route matched (404). */
export const defaultRoute = { handler: 'not-found', access: { kind: 'public' } } as const;

export const handler = openHandler(defaultRoute, async (request) => {
  const { method, path } = request.event.requestContext.http;
  throw new NotFoundError(`No route for ${method} ${path}.`);
});
