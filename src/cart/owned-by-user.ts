// What a cart and a wishlist share: one per user, created on first use. Concurrent first requests
// of one user (two tabs, a double click) must end with one row: the unique user_id decides, and
// the insert that loses the race simply reads the winner's row.
import type { Knex } from 'knex';
import { Model, type ModelClass } from 'objection';

/** The base of the models of tables with one row per user (carts, wishlists). */
export class OwnedByUser extends Model {
  declare id: number;
  declare user_id: number;
  declare created_at: Date;

  /** The id of the user's row, created when the user has none yet. */
  static async idOf(this: ModelClass<OwnedByUser>, db: Knex, userId: number): Promise<number> {
    // The common case reads only: no write (and no sequence value used up) on every page view.
    const existing = await this.query(db).select('id').findOne({ user_id: userId });
    if (existing) return existing.id;
    const created = await this.query(db).insert({ user_id: userId }).onConflict('user_id').ignore().returning('id');
    // An insert that lost the race returns no row, so the model it answers has no id.
    if (created.id !== undefined) return created.id;
    const winner = await this.query(db).select('id').findOne({ user_id: userId });
    return winner!.id;
  }

  /** The id of the user's row, or undefined when the user has none (nothing is created). */
  static async existingIdOf(this: ModelClass<OwnedByUser>, db: Knex, userId: number): Promise<number | undefined> {
    return (await this.query(db).select('id').findOne({ user_id: userId }))?.id;
  }

  /** Deletes the user's row and so its lines (ON DELETE CASCADE): their account is being closed. */
  static async removeOf(this: ModelClass<OwnedByUser>, trx: Knex.Transaction, userId: number): Promise<void> {
    await this.query(trx).delete().where({ user_id: userId });
  }
}
