// GET /api/orders/verify-payment/?session_id= — the storefront's check after Stripe redirects the
// shopper back. Owner only: another user's session is "not found". The session is read from
// Stripe (never trusted from the query) and applied with the webhook's own transition code, so
// whichever of the two arrives first moves the order, and the other changes nothing.
import { notFound, serviceUnavailable } from '../http/errors.js';
import { PaymentProviderError } from '../payments/stripe-gateway.js';
import type { OperationTable } from '../services.js';
import { notifyCustomer } from './order-mail.js';
import { Order, PAID_STATUSES } from './order.model.js';
import { paymentProviderFailed } from './payment-checkout.js';
import { applyCheckoutSession, happeningOf } from './payment-transitions.js';

export const paymentVerificationOperations = {
  verifyPayment: {
    async handle({ query, user, services, log }) {
      const mine = () => Order.findBy(services.db, { stripe_session_id: query.session_id, user_id: user.id });
      const order = await mine();
      if (!order) throw notFound('Order not found.');

      if (order.status === 'pending') {
        if (!services.stripe) throw serviceUnavailable('Card payments are not available right now.');
        let session;
        try {
          session = await services.stripe.retrieveCheckoutSession(query.session_id);
        } catch (error) {
          if (!(error instanceof PaymentProviderError)) throw error;
          log.error({ err: error, orderId: order.id }, 'could not retrieve the Checkout Session');
          throw paymentProviderFailed();
        }
        const happened = happeningOf(session);
        if (happened) {
          const result = await services.db.transaction((trx) => applyCheckoutSession(trx, session, happened, log));
          if (result.outcome === 'paid') notifyCustomer(services, order.id, 'paid', log);
        }
      }
      // Read again only when Stripe was asked: that is when the order may have moved.
      const now = order.status === 'pending' ? (await mine())! : order;
      return {
        status: 200,
        body: { order_id: now.id, status: now.status, payment_verified: PAID_STATUSES.includes(now.status) },
      };
    },
  },
} satisfies Partial<OperationTable>;
