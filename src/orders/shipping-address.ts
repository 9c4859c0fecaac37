// Where an order ships: a saved address of the user (another user's is "not found") or an inline
// address, which is also saved to the address book. The spec has validated the inline fields.
import type { Knex } from 'knex';
import type { components } from '../../generated/openapi.js';
import { notFound } from '../http/errors.js';
import { trimmedFields, type AddressFields } from './addresses/address.model.js';

type AddressInput = components['schemas']['AddressInput'];

/** The order's own copy of the address (ship_* columns). */
export interface ShippingCopy {
  ship_full_name: string;
  ship_phone: string;
  ship_street: string;
  ship_city: string;
  ship_pincode: string;
}

/** First key of the per-user advisory lock around saving a checkout's address (any constant of our own). */
const ADDRESS_BOOK_LOCK = 6001;

export async function shippingAddress(
  trx: Knex.Transaction,
  userId: number,
  choice: { address?: AddressInput | undefined; address_id?: number | undefined },
): Promise<ShippingCopy> {
  let address: AddressInput;
  if (choice.address_id !== undefined) {
    const saved = (await trx('addresses')
      .select('full_name', 'phone', 'street', 'city', 'pincode')
      .where({ id: choice.address_id, user_id: userId })
      .first()) as AddressInput | undefined;
    if (!saved) throw notFound('Address not found.');
    address = saved;
  } else {
    // Trimmed like an address saved through the address book: the spec lets spaces surround the
    // digits of phone and pincode, the database's CHECKs do not.
    address = trimmedFields(choice.address!) as AddressFields;
    // Ordering again to the same place does not fill the book with copies of one address. Two
    // checkouts of one user to a new address at once would both find it missing and both save it,
    // so this find-or-save holds a per-user lock until the checkout commits. (Not a unique index:
    // the address book itself may hold identical entries, as the original's did.)
    await trx.raw('SELECT pg_advisory_xact_lock(?::integer, ?::integer)', [ADDRESS_BOOK_LOCK, userId]);
    const known = await trx('addresses')
      .select('id')
      .where({ user_id: userId, ...address })
      .first();
    if (!known) await trx('addresses').insert({ user_id: userId, ...address });
  }
  return {
    ship_full_name: address.full_name,
    ship_phone: address.phone,
    ship_street: address.street,
    ship_city: address.city,
    ship_pincode: address.pincode,
  };
}
