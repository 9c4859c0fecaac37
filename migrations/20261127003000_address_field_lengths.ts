// The address book's minimum lengths, held by the database as well as by the spec (the core
// schema already limits the maximum lengths and the phone and pincode formats).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('addresses', (table) => {
    table.check('char_length(full_name) >= 2', [], 'addresses_full_name_length');
    table.check('char_length(street) >= 5', [], 'addresses_street_length');
    table.check('char_length(city) >= 2', [], 'addresses_city_length');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('addresses', (table) => {
    table.dropChecks(['addresses_full_name_length', 'addresses_street_length', 'addresses_city_length']);
  });
}
