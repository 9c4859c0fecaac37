// The customer's mails about their order: confirmation when it is placed (cash) or paid (card),
// and when it is shipped, delivered, cancelled or refunded. Each has a text and an HTML part.
//
// Mail never holds up or fails the order: notifyCustomer is called after the change has
// committed, returns at once, and a mail server that refuses, hangs or is unreachable only
// leaves a warning in the log (the change itself is already done and answered).
import type { Logger } from '../log.js';
import { formatMoney } from '../money.js';
import type { Services } from '../services.js';
import { Order, type OrderRow } from './order.model.js';

export type OrderMailKind = 'placed' | 'paid' | 'shipped' | 'delivered' | 'cancelled' | 'refunded';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!);

interface Wording {
  subject: string;
  lines: string[];
}

function wordingOf(kind: OrderMailKind, order: OrderRow, amount: string): Wording {
  const number = `#${order.id}`;
  switch (kind) {
    case 'placed':
      return {
        subject: `Order ${number} confirmed`,
        lines: [
          `Thank you for your order ${number}.`,
          `Total: ${amount}, to be paid in cash on delivery.`,
          'We will let you know when it ships.',
        ],
      };
    case 'paid':
      return {
        subject: `Order ${number} confirmed`,
        lines: [
          `Thank you for your order ${number}.`,
          `We have received your card payment of ${amount}.`,
          'We will let you know when it ships.',
        ],
      };
    case 'shipped':
      return { subject: `Order ${number} has shipped`, lines: [`Your order ${number} is on its way.`] };
    case 'delivered':
      return { subject: `Order ${number} delivered`, lines: [`Your order ${number} has been delivered. Enjoy!`] };
    case 'cancelled':
      return { subject: `Order ${number} cancelled`, lines: [`Your order ${number} has been cancelled.`] };
    case 'refunded':
      return {
        subject: `Refund for order ${number}`,
        lines: [
          `A refund of ${formatMoney(order.refunded_amount)} ${order.currency.toUpperCase()} for your order ${number} has been issued to your card.`,
          'It usually arrives within 5–10 business days.',
        ],
      };
  }
}

/** Text and HTML parts of one mail. */
function orderMail(kind: OrderMailKind, order: OrderRow, ordersUrl: string): { subject: string; text: string; html: string } {
  const amount = `${formatMoney(order.total_amount)} ${order.currency.toUpperCase()}`;
  const { subject, lines } = wordingOf(kind, order, amount);
  const text = [...lines, '', `Your orders: ${ordersUrl}`].join('\n');
  const html =
    `<!doctype html><html><body>` +
    lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('') +
    `<p><a href="${escapeHtml(ordersUrl)}">Your orders</a></p></body></html>`;
  return { subject, text, html };
}

/** Sends the customer the mail about their order, without waiting for it (see the top of this file). */
export function notifyCustomer(services: Services, orderId: number, kind: OrderMailKind, log: Logger): void {
  const send = async () => {
    const [order, email] = await Promise.all([Order.findBy(services.db, { id: orderId }), Order.customerEmailOf(services.db, orderId)]);
    if (!order || !email) return;
    const mail = orderMail(kind, order, `${services.config.frontendUrl}/orders`);
    await services.mailer.send({ to: email, ...mail }, log);
  };
  send().catch((error: unknown) => {
    log.warn({ err: error, orderId, mail: kind }, 'order mail could not be sent; the order is unaffected');
  });
}
