import type { Operation } from '../../services.js';
import { Address, ADDRESS_COLUMNS, toAddressResponse, trimmedFields } from './address.model.js';

export const createAddress: Operation<'createAddress'> = {
  async handle({ body, user, services }) {
    const address = await Address.query(services.db)
      .insert({ ...trimmedFields(body), user_id: user.id })
      .returning([...ADDRESS_COLUMNS]);
    return { status: 201, body: toAddressResponse(address) };
  },
};
