// A saved shipping address. Like the original (Django's CharField), surrounding whitespace is
// removed before storing; the spec's patterns already require enough characters to remain, and
// CHECK constraints in the database hold the same rules.
import { Model } from 'objection';
import type { components } from '../../../generated/openapi.js';

export type AddressResponse = components['schemas']['Address'];
export type AddressFields = Omit<AddressResponse, 'id'>;

// Declaration merging gives the Objection model the row's typed columns.
export interface Address extends AddressResponse {
  user_id: number;
}
/** The Objection model of an address-book entry. */
export class Address extends Model {
  static override tableName = 'addresses';
}

export const ADDRESS_COLUMNS = ['id', 'full_name', 'phone', 'street', 'city', 'pincode'] as const;

const FIELD_NAMES = ['full_name', 'phone', 'street', 'city', 'pincode'] as const satisfies readonly (keyof AddressFields)[];

/** The given fields, trimmed; fields that were not given stay absent (a PATCH changes only those). */
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
