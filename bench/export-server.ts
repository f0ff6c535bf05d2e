/** A local server in its own process, so the export benchmark can watch one process's memory. */
import '../scripts/local/quiet-sdk.ts';
import { startLocalRuntime } from '../scripts/local/runtime.ts';

const runtime = await startLocalRuntime({ port: 0 });
process.on('message', (message) => {
  if (message === 'rss') process.send?.(process.memoryUsage().rss);
});
process.send?.(runtime.url);
