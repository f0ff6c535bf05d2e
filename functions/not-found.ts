import { NotFoundError } from '#shared/errors.ts';
import { openHandler } from '#shared/http/handler.ts';

export const handler = openHandler('not-found', async (request) => {
  const { method, path } = request.event.requestContext.http;
  throw new NotFoundError(`No route for ${method} ${path}.`);
});
