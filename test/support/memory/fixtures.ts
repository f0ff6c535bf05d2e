import type { Identifier } from '../../../shared/identity/identity.ts';
import { normaliseStage, type StageInput } from '../../../shared/recording/stages.ts';
import { normaliseTouch, type Touch, type TouchInput } from '../../../shared/recording/touches.ts';
import { type Transaction, type TransactionInput, TransactionInputSchema, transactionFromInput } from '../../../shared/recording/transactions.ts';
import type { TenantRecord } from '../../../shared/tenants/ports.ts';
import { type CreatedTenant, createTenant } from '../../../shared/tenants/use-cases.ts';
import type { MemoryStores } from './stores.ts';

/** A tenant created as `npm run tenant -- create` creates one, in memory. */
export async function memoryTenant(deps: Pick<MemoryStores, 'tenants'>, tenantId = 'acme', now = new Date('2026-11-01T00:00:00Z')): Promise<{ tenant: TenantRecord; created: CreatedTenant }> {
  const created = await createTenant(deps.tenants, { tenantId, currency: 'USD', timezone: 'UTC' }, now);
  return { tenant: (await deps.tenants.getTenant(tenantId))!, created };
}

/** A transaction as `POST /v1/transactions` would store it (amounts in decimal strings, as sent). */
export function transaction(input: Partial<TransactionInput> & Pick<TransactionInput, 'transactionId' | 'occurredAt'> & { gross?: string }, recordedAt = '2026-11-20T00:00:00.000Z'): Transaction {
  return transactionFromInput(TransactionInputSchema.parse({ kind: 'order', currency: 'USD', gross: '100.00', ...input }), 'api', recordedAt);
}

export function touch(input: Partial<TouchInput> & Pick<TouchInput, 'occurredAt' | 'person'>): Touch {
  return normaliseTouch({ kind: 'click', ...input });
}

export function stage(input: Partial<StageInput> & Pick<StageInput, 'occurredAt' | 'person'>) {
  return normaliseStage({ stage: 'qualified', ...input });
}

export const id = (value: string) => value as Identifier;
