// A saved shipping address of the signed-in user's address book. Surrounding whitespace is
// removed before storing; the spec's patterns already require enough characters to remain, and
// CHECK constraints in the database hold the same rules. Every read and write names the owner in
// its WHERE: another user's address id finds, changes and deletes nothing.
import type { Knex } from 'knex';
import { Model } from 'objection';
import type { components } from '../../../generated/openapi.js';

type AddressResponse = components['schemas']['Address'];
export type AddressFields = Omit<AddressResponse, 'id'>;

const ADDRESS_COLUMNS = ['id', 'full_name', 'phone', 'street', 'city', 'pincode'] as const;
const FIELD_NAMES = ['full_name', 'phone', 'street', 'city', 'pincode'] as const satisfies readonly (keyof AddressFields)[];

/** First key of the per-user advisory lock around a checkout's find-or-save (any constant of our own). */
const ADDRESS_BOOK_LOCK = 6001;

// Declaration merging gives the Objection model the row's typed columns.
export interface Address extends AddressResponse {
  user_id: number;
}
/** The Objection model of an address-book entry. */
export class Address extends Model {
  static override tableName = 'addresses';

  /** The user's addresses, newest first like the other lists of the API (ids are unique, so no ties). */
  static async listOf(db: Knex, userId: number): Promise<Address[]> {
    return await Address.query(db).select(ADDRESS_COLUMNS).where({ user_id: userId }).orderBy('id', 'desc');
  }

  static async createFor(db: Knex, userId: number, fields: AddressFields): Promise<Address> {
    return await Address.query(db)
      .insert({ ...trimmedFields(fields), user_id: userId })
      .returning([...ADDRESS_COLUMNS]);
  }

  /** Changes the given fields of the user's own address; undefined when the user has no such address. */
  static async updateOwned(db: Knex, userId: number, id: number, fields: Partial<AddressFields>): Promise<Address | undefined> {
    const [address] = await Address.query(db)
      .patch(trimmedFields(fields))
      .where({ id, user_id: userId })
      .returning([...ADDRESS_COLUMNS]);
    return address;
  }

  /** Deletes the user's own address; false when the user has no such address. */
  static async deleteOwned(db: Knex, userId: number, id: number): Promise<boolean> {
    // RETURNING tells what was deleted on both drivers (knex-pglite's delete answers no count).
    const deleted = await Address.query(db).delete().where({ id, user_id: userId }).returning('id');
    return deleted.length > 0;
  }

  /** Deletes every address of the user (their account is being closed). */
  static async removeAllOf(trx: Knex.Transaction, userId: number): Promise<void> {
    await Address.query(trx).delete().where({ user_id: userId });
  }

  /** The fields of the user's own address, or undefined. */
  static async fieldsOfOwned(db: Knex, userId: number, id: number): Promise<AddressFields | undefined> {
    return await Address.query(db).select(FIELD_NAMES).findOne({ id, user_id: userId });
  }

  /**
   * Saves a checkout's address to the book unless the book already holds it, so ordering again to
   * the same place does not fill the book with copies. Two checkouts of one user to a new address
   * at once would both find it missing and both save it, so this holds a per-user lock until the
   * transaction ends. (Not a unique index: the address book itself may hold identical entries.)
   */
  static async saveUnlessKnown(trx: Knex.Transaction, userId: number, fields: AddressFields): Promise<void> {
    await trx.raw('SELECT pg_advisory_xact_lock(?::integer, ?::integer)', [ADDRESS_BOOK_LOCK, userId]);
    const known = await Address.query(trx)
      .select('id')
      .findOne({ user_id: userId, ...fields });
    if (!known) await Address.query(trx).insert({ user_id: userId, ...fields });
  }
}

/** The given fields, trimmed; fields that were not given stay absent (a PATCH changes only those). */
export function trimmedFields(input: AddressFields): AddressFields;
export function trimmedFields(input: Partial<AddressFields>): Partial<AddressFields>;
export function trimmedFields(input: Partial<AddressFields>): Partial<AddressFields> {
  const fields: Partial<AddressFields> = {};
  for (const name of FIELD_NAMES) {
    const value = input[name];
    if (value !== undefined) fields[name] = value.trim();
  }
  return fields;
}

export function toAddressResponse(row: AddressResponse): AddressResponse {
  return { id: row.id, full_name: row.full_name, phone: row.phone, street: row.street, city: row.city, pincode: row.pincode };
}
