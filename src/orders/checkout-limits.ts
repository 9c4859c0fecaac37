// Limits against stock hoarding: without them one fresh account could reserve a product's whole
// stock with one cash-on-delivery order, or hold it for half an hour at a time with unpaid card
// checkouts. Each is a setting (README, "Configuration"):
// - ORDER_MAX_PER_PRODUCT: units of one product in one order;
// - MAX_OPEN_CARD_CHECKOUTS: unpaid card checkouts one user may have open at once;
// - UNVERIFIED_COD_ORDERS_PER_DAY: cash-on-delivery orders an account whose email is not verified
//   may place in 24 hours.
// The counts are read under a per-user lock taken in the checkout's transaction, so parallel
// checkouts of one user are judged one after the other and never both pass a limit with room for one.
import type { Knex } from 'knex';
import type { Config } from '../config.js';
import { HttpError } from '../http/errors.js';
import type { SessionUser } from '../services.js';
import { Order } from './order.model.js';

const DAY_MS = 24 * 3600 * 1000;

const refused = (message: string, field?: string) =>
  new HttpError(400, 'checkout_limit', message, field ? { fields: { [field]: [message] } } : {});

export async function enforceCheckoutLimits(
  trx: Knex.Transaction,
  limits: Config['checkoutLimits'],
  user: Pick<SessionUser, 'id' | 'email_verified'>,
  paymentMethod: 'cod' | 'stripe',
  lines: Array<{ productId: number; quantity: number }>,
): Promise<void> {
  const tooMany = lines.find((line) => line.quantity > limits.maxPerProduct);
  if (tooMany) {
    throw refused(`At most ${limits.maxPerProduct} of one product per order (product ${tooMany.productId}).`, 'cart');
  }
  await Order.serializeCheckoutsOf(trx, user.id);
  if (paymentMethod === 'stripe') {
    if ((await Order.openCardCheckoutsOf(trx, user.id)) >= limits.maxOpenCardCheckouts) {
      throw refused(
        `You already have ${limits.maxOpenCardCheckouts} card payment(s) waiting. Complete or cancel one, or wait for it to expire, before starting another.`,
      );
    }
  } else if (!user.email_verified) {
    if ((await Order.codOrdersSince(trx, user.id, new Date(Date.now() - DAY_MS))) >= limits.unverifiedCodOrdersPerDay) {
      throw refused(
        `Accounts with an unverified email can place ${limits.unverifiedCodOrdersPerDay} cash-on-delivery order(s) a day. Verify your email address to order more.`,
      );
    }
  }
}
