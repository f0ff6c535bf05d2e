import { createHmac, randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { ErasureLogEntry } from '../api/responses/privacy.ts';
import { ValidationError } from '../errors.ts';
import { type Identifier, identifiersOf, PersonSchema } from '../identity/identity.ts';
import type { ProjectionStore } from '../projection/ports.ts';
import type { RecordStore } from '../recording/ports.ts';
import { retrying, TRY_AGAIN } from '../runtime/retry.ts';
import type { TenantRecord, TenantStore } from '../tenants/ports.ts';
import { requireTenant } from '../tenants/use-cases.ts';

/**
 * Erasing a person (docs/contract.md#privacy-and-the-data-lifecycle). Everything Baton keeps of a person lives in
 * the partitions of their ids, in their projection, and on their
 * transactions, so an erasure reads and deletes exactly those — no Scan:
 *
 * 1. tombstones in each id's partition, first: anything of the person's
 *    past that arrives later (a retried webhook, a late batch) is left out
 *    of every read and cleared by the projector as it arrives;
 * 2. their projection becomes an anonymous heir's (`x:<erasure id>`): what
 *    it added to the rollups stays, so reports do not move; their
 *    transactions' attributions (which hold their journey) go;
 * 3. their transactions name the heir instead of them and lose landing page
 *    and referrer; the browser checkout of an order goes;
 * 4. every touch, stage and identity link is deleted;
 * 5. the erasure is logged, ids as keyed hashes only.
 *
 * Idempotent: a second erasure finds nothing more (and clears what arrived
 * late); one that failed part-way is completed by asking again (until then
 * the projector leaves the person's projection alone). An erased id that
 * comes back with records dated after the erasure starts a new person.
 */

export const ErasureQuerySchema = PersonSchema;

/** An erasure as the log keeps it and GET /v1/erasures lists it: the ids erased, as HMAC-SHA-256 under the tenant's secret key (comparable, not reversible), and what was erased of each kind. */
export type { ErasureLogEntry };

export interface ErasureLog {
  append(tenantId: string, entry: ErasureLogEntry): Promise<void>;
  /** Newest first, `limit` at a time, after `cursor`. */
  list(tenantId: string, limit: number, cursor?: string): Promise<{ entries: ErasureLogEntry[]; nextCursor?: string }>;
  /** Oldest first, every entry, as written (a strongly consistent read): the warehouse export reads them once a tenant and run. */
  all(tenantId: string): Promise<ErasureLogEntry[]>;
  /** Records that the warehouse files holding the entry's person were rewritten. */
  recordWarehouse(tenantId: string, entry: Pick<ErasureLogEntry, 'erasedAt' | 'erasureId'>, warehouse: NonNullable<ErasureLogEntry['warehouse']>): Promise<void>;
}

export interface ErasureDeps {
  tenants: TenantStore;
  records: RecordStore;
  projections: Pick<ProjectionStore, 'getProjections' | 'handOver'>;
  erasures: ErasureLog;
}

/** The log's form of an id: the same id always gives the same hash for a tenant, and only with the tenant's key. */
export function loggedId(tenant: Pick<TenantRecord, 'cursorKey'>, identifier: Identifier): string {
  return createHmac('sha256', tenant.cursorKey).update(identifier).digest('hex');
}

/** `DELETE /v1/people`: erases the person one or more of their ids name. */
export async function erasePerson(deps: ErasureDeps, tenantId: string, query: z.infer<typeof ErasureQuerySchema>, now: Date = new Date()): Promise<ErasureLogEntry> {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const seeds = identifiersOf(query);
  const identifiers = await deps.records.linkedIdentifiers(tenantId, seeds);
  if (seeds.length > 1) {
    // Several ids must be one person: erasing two people at once is never what was meant.
    const people = await Promise.all(seeds.map((seed) => deps.records.linkedIdentifiers(tenantId, [seed])));
    if (people.some((person) => seeds.some((seed) => !person.includes(seed)))) {
      throw new ValidationError('The ids given belong to different people: erase one person at a time.', [
        { path: 'query', message: 'the ids are not linked to each other', code: 'different_people' },
      ]);
    }
  }
  const erasureId = `er_${randomUUID()}`;
  const erasedAt = now.toISOString();
  const heir = `x:${erasureId}` as Identifier;

  await deps.records.markErased(tenantId, identifiers, { erasureId, erasedAt, heir });
  const moved = await retrying(
    async () => {
      const stored = [...(await deps.projections.getProjections(tenantId, identifiers)).values()];
      const handed = await deps.projections.handOver(tenantId, stored, heir);
      return handed.outcome === 'stale' ? TRY_AGAIN : { projections: stored.length, attributions: handed.attributions, droppedBatons: handed.droppedBatons };
    },
    { what: 'Handing an erased person’s projection over' },
  );
  const records = await deps.records.eraseRecords(tenantId, identifiers, heir);
  const entry: ErasureLogEntry = { erasureId, erasedAt, identifiers: identifiers.map((identifier) => loggedId(tenant, identifier)), erased: { ...records, ...moved } };
  await deps.erasures.append(tenantId, entry);
  return entry;
}

/** Each logged id of `entries` with when it was last erased. */
export function erasedIdsOf(entries: readonly Pick<ErasureLogEntry, 'identifiers' | 'erasedAt'>[]): Map<string, string> {
  const erased = new Map<string, string>();
  for (const entry of entries) {
    for (const id of entry.identifiers) if ((erased.get(id) ?? '') < entry.erasedAt) erased.set(id, entry.erasedAt);
  }
  return erased;
}

export const ERASURE_LOG_PAGE = { default: 50, max: 200 } as const;
export const ErasureLogQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(ERASURE_LOG_PAGE.max).default(ERASURE_LOG_PAGE.default),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,200}$/, 'not a cursor this log gave')
      .optional(),
  })
  .strict();

/** `GET /v1/erasures`: the tenant's erasures, newest first. */
export async function erasureLog(deps: Pick<ErasureDeps, 'tenants' | 'erasures'>, tenantId: string, query: z.infer<typeof ErasureLogQuerySchema>) {
  await requireTenant(deps.tenants, tenantId);
  return deps.erasures.list(tenantId, query.limit, query.cursor);
}
