import { stream } from '#shared/api/routes/export-customers.ts';
import { streamifiedHandler } from '#shared/http/streaming.ts';

export { stream };

/** The function URL's handler (invoke mode RESPONSE_STREAM); the local server runs `stream`. */
export const handler = streamifiedHandler(stream);
