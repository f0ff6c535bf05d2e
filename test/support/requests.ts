import { documentClient } from '../../shared/adapters/dynamodb/client.ts';

export interface RecordedRequest {
  command: string;
  /** The index a query or read names, if any. */
  index?: string;
}

/** The DynamoDB requests the shared client sends while `fn` runs, in order. */
export async function recordRequests(fn: () => Promise<unknown>): Promise<RecordedRequest[]> {
  const requests: RecordedRequest[] = [];
  const name = `requestRecorder${Math.random().toString(36).slice(2)}`;
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const index = (args.input as { IndexName?: string }).IndexName;
      requests.push({ command: context.commandName ?? '?', ...(index ? { index } : {}) });
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    await fn();
  } finally {
    documentClient().middlewareStack.remove(name);
  }
  return requests;
}
