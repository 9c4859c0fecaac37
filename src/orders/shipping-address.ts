// Where an order ships: a saved address of the user (another user's is "not found") or an inline
// address, which is also saved to the address book. The spec has validated the inline fields.
import type { Knex } from 'knex';
import type { components } from '../../generated/openapi.js';
import { notFound } from '../http/errors.js';
import { Address, trimmedFields, type AddressFields } from './addresses/address.model.js';

type AddressInput = components['schemas']['AddressInput'];

/** The order's own copy of the address (ship_* columns). */
interface ShippingCopy {
  ship_full_name: string;
  ship_phone: string;
  ship_street: string;
  ship_city: string;
  ship_pincode: string;
}

export async function shippingAddress(
  trx: Knex.Transaction,
  userId: number,
  choice: { address?: AddressInput | undefined; address_id?: number | undefined },
): Promise<ShippingCopy> {
  let address: AddressFields;
  if (choice.address_id !== undefined) {
    const saved = await Address.fieldsOfOwned(trx, userId, choice.address_id);
    if (!saved) throw notFound('Address not found.');
    address = saved;
  } else {
    // Trimmed like an address saved through the address book: the spec lets spaces surround the
    // digits of phone and pincode, the database's CHECKs do not.
    address = trimmedFields(choice.address!);
    await Address.saveUnlessKnown(trx, userId, address);
  }
  return {
    ship_full_name: address.full_name,
    ship_phone: address.phone,
    ship_street: address.street,
    ship_city: address.city,
    ship_pincode: address.pincode,
  };
}
