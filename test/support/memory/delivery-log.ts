import type { DeliveryLog } from '../../../shared/recording/ports.ts';
import type { MemoryTable } from './table.ts';

export class MemoryDeliveryLog implements DeliveryLog {
  constructor(private readonly table: MemoryTable) {}

  async hasDelivery(tenantId: string, deliveryKey: string): Promise<boolean> {
    return this.table.of(tenantId).deliveries.has(deliveryKey);
  }

  async recordDelivery(tenantId: string, deliveryKey: string, at: string): Promise<void> {
    this.table.of(tenantId).deliveries.set(deliveryKey, at);
  }
}
