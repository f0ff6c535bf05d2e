import type { ChangeLog, ErasurePass, ErasurePasses, ExportWatermarks, LoggedRows, LoggedTableName } from '../../../shared/warehouse/ports.ts';
import type { WarehouseRow } from '../../../shared/warehouse/tables.ts';

/** The change log and watermarks in memory (the DynamoDB one: shared/adapters/dynamodb/warehouse-store.ts). */
export class MemoryWarehouseStore implements ChangeLog, ExportWatermarks, ErasurePasses {
  readonly logged = new Map<string, LoggedRows[]>();
  readonly watermarks = new Map<string, string>();
  readonly passes = new Map<string, ErasurePass>();

  async erasurePass(tenantId: string): Promise<ErasurePass | undefined> {
    const pass = this.passes.get(tenantId);
    return pass && structuredClone(pass);
  }

  async saveErasurePass(tenantId: string, pass: ErasurePass | undefined): Promise<void> {
    if (pass) this.passes.set(tenantId, structuredClone(pass));
    else this.passes.delete(tenantId);
  }

  async append(tenantId: string, entries: readonly LoggedRows[]): Promise<void> {
    this.logged.set(tenantId, [...(this.logged.get(tenantId) ?? []), ...entries.map((entry) => structuredClone(entry))]);
  }

  async *between(tenantId: string, table: LoggedTableName, from: string, to: string): AsyncIterable<WarehouseRow[]> {
    for (const entry of this.logged.get(tenantId) ?? []) if (entry.table === table && entry.changedAt >= from && entry.changedAt < to) yield structuredClone(entry.rows);
  }

  async get(tenantId: string): Promise<string | undefined> {
    return this.watermarks.get(tenantId);
  }

  async move(tenantId: string, expected: string | undefined, to: string): Promise<boolean> {
    if (this.watermarks.get(tenantId) !== expected) return false;
    this.watermarks.set(tenantId, to);
    return true;
  }
}
