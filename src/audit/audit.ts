// The staff audit log, for every domain: record(trx, entry) inside the transaction that makes the
// change, so an entry exists exactly when its change was committed. This folder imports no domain
// (any domain may import it).
import type { Knex } from 'knex';
import { AuditEntry, type AuditRecord } from './audit-entry.model.js';

export type { AuditRecord } from './audit-entry.model.js';

/** Records a staff action; call it with the transaction of the change. */
export async function record(trx: Knex.Transaction, entry: AuditRecord): Promise<void> {
  await AuditEntry.insertEntry(trx, entry);
}
