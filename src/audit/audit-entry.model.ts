// One row of the staff audit log: who (a staff user) did what (`<target>.<verb>`) to which record,
// when, and the record's values before and after. Rows are only ever inserted.
import type { Knex } from 'knex';
import { Model } from 'objection';
import type { components } from '../../generated/openapi.js';
import type { Page } from '../http/paging.js';

type AuditEntryResponse = components['schemas']['AuditEntry'];

interface AuditEntryRow {
  id: number;
  actor_id: number | null;
  action: string;
  target_type: string;
  target_id: string;
  /** jsonb objects, as the driver parses them. */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  created_at: Date;
}

/** What a domain records about a staff action (see record() in audit.ts). */
export interface AuditRecord {
  /** The staff user acting. */
  actorId: number;
  /** `<target>.<verb>`: `user.block`, `order.status`, `product.update`, `order.refund` ... */
  action: string;
  target: { type: string; id: number | string };
  /** The values the action changed, as they were and as they are now (null for a creation or a removal). */
  before?: object | null;
  after?: object | null;
}

/** The filters of the staff's audit-log list. */
export interface AuditFilters {
  action?: string | undefined;
  target_type?: string | undefined;
  target_id?: string | undefined;
  actor_id?: number | undefined;
}

// Declaration merging gives the Objection model the row's typed columns.
export interface AuditEntry extends AuditEntryRow {}
/** The Objection model of an audit-log row. */
export class AuditEntry extends Model {
  static override tableName = 'audit_log';

  /** Inserts one entry, in the transaction of the change it describes. */
  static async insertEntry(trx: Knex.Transaction, entry: AuditRecord): Promise<void> {
    // jsonb through JSON text: the pg driver would send a JavaScript array as a PostgreSQL array.
    const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
    await trx(AuditEntry.tableName).insert({
      actor_id: entry.actorId,
      action: entry.action,
      target_type: entry.target.type,
      target_id: String(entry.target.id),
      before: json(entry.before),
      after: json(entry.after),
    });
  }

  /** One page of the log, newest first, with the actor's current email, and how many entries match. */
  static async page(
    db: Knex,
    filters: AuditFilters,
    page: Page,
  ): Promise<{ rows: Array<AuditEntryRow & { actor_email: string | null }>; total: number }> {
    const matching = () => {
      const query = db(`${AuditEntry.tableName} as a`);
      if (filters.action !== undefined) query.where('a.action', filters.action);
      if (filters.target_type !== undefined) query.where('a.target_type', filters.target_type);
      if (filters.target_id !== undefined) query.where('a.target_id', filters.target_id);
      if (filters.actor_id !== undefined) query.where('a.actor_id', filters.actor_id);
      return query;
    };
    const [rows, counted] = await Promise.all([
      matching()
        .leftJoin('users as u', 'u.id', 'a.actor_id')
        .select('a.*', 'u.email as actor_email')
        .orderBy([
          { column: 'a.created_at', order: 'desc' },
          { column: 'a.id', order: 'desc' },
        ])
        .limit(page.limit)
        .offset(page.offset) as Promise<Array<AuditEntryRow & { actor_email: string | null }>>,
      matching().count({ total: '*' }) as Promise<Array<{ total: string | number }>>,
    ]);
    return { rows, total: Number(counted[0]!.total) };
  }
}

export function toAuditEntryResponse(row: AuditEntryRow & { actor_email: string | null }): AuditEntryResponse {
  return {
    id: row.id,
    actor_id: row.actor_id,
    actor_email: row.actor_email,
    action: row.action,
    target_type: row.target_type,
    target_id: row.target_id,
    before: row.before ?? null,
    after: row.after ?? null,
    created_at: new Date(row.created_at).toISOString(),
  };
}
