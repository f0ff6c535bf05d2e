/**
 * `work` on each item, at most `concurrency` at once, results in the items'
 * order: many requests in flight without opening a socket per item (the
 * SDK's connection pool would time them out).
 */
export async function mapPooled<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
