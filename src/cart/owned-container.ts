// A user's cart and wishlist are created on first use. Concurrent first requests of one user
// (two tabs, a double click) must end with one row: the unique user_id decides, and the insert
// that loses the race simply reads the winner's row.
import type { Knex } from 'knex';

type ContainerTable = 'carts' | 'wishlists';

async function idOfUsersRow(db: Knex, table: ContainerTable, userId: number): Promise<number> {
  // The common case reads only: no write (and no sequence value used up) on every page view.
  const existing = (await db(table).where({ user_id: userId }).first('id')) as { id: number } | undefined;
  if (existing) return existing.id;
  const [created] = (await db(table).insert({ user_id: userId }).onConflict('user_id').ignore().returning('id')) as { id: number }[];
  if (created) return created.id;
  const winner = (await db(table).where({ user_id: userId }).first('id')) as { id: number };
  return winner.id;
}

export const cartIdOf = (db: Knex, userId: number) => idOfUsersRow(db, 'carts', userId);
export const wishlistIdOf = (db: Knex, userId: number) => idOfUsersRow(db, 'wishlists', userId);

/** A subquery for "the id of this user's cart", so ownership sits in the WHERE of one statement. */
export const usersCart = (db: Knex, userId: number) => db('carts').select('id').where({ user_id: userId });
export const usersWishlist = (db: Knex, userId: number) => db('wishlists').select('id').where({ user_id: userId });
