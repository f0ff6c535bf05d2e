/**
 * Values a process remembers for at most `maxAgeMs` after they were set, the `capacity` latest at most (the oldest set
 * goes first): what a function instance read lately, as the webhook's tenants, or what API Gateway keeps of its
 * authorizer's answers (the local server's stand-in).
 */
export class Recent<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly options: { capacity?: number; now?: () => number } = {},
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.at < this.maxAgeMs) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= (this.options.capacity ?? 1_000)) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, at: this.now() });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
