// The customer's order mails, through nodemailer to a real SMTP server: confirmation when an order
// is placed (cash) or paid (card), and on shipped, delivered, cancelled and refunded — each with a
// text and an HTML part. A mail server that hangs or is unreachable never holds up or fails the order.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { startMailServer, type MailServer, type ReceivedMail } from '../../testing/fakes/smtp.js';
import { stripeEnv } from '../../testing/fakes/stripe.js';
import { makeProduct, signedInUser, staffClient } from '../support/factories.js';
import { serverForSuite, startServer } from '../support/server.js';
import { fakeStripeForSuite } from '../support/stripe.js';
import type { Client } from '../support/client.js';
import { paidCardOrder, placeCodOrder } from './support.js';

function expectBothParts(mail: ReceivedMail, ...phrases: string[]): void {
  expect(mail.text).to.match(/Content-Type: text\/plain/i);
  expect(mail.text).to.match(/Content-Type: text\/html/i);
  for (const phrase of phrases) expect(mail.text).to.include(phrase);
}

describe('order mails', () => {
  let mail: MailServer;
  before(async () => {
    mail = await startMailServer();
  });
  after(() => mail.close());
  const fake = fakeStripeForSuite();
  const suite = serverForSuite(() => ({ ...stripeEnv(fake.stripe), SMTP_URL: mail.url, MAIL_FROM: 'shop@example.com' }));
  let staff: Client;
  before(async () => {
    staff = await staffClient(suite.server);
  });

  it('confirms a cash order when it is placed, then tells of its shipping, delivery and cancellation', async () => {
    const tee = await makeProduct(suite.db, { price: '499.00', stock: 10 });
    const { user, client } = await signedInUser(suite.server);
    const placed = await placeCodOrder(client, tee.id, 2);
    const orderId = placed.body.order_id as number;
    expectBothParts(await mail.nextMailTo(user.email), `Order #${orderId} confirmed`, '998.00 INR', 'cash on delivery');
    await staff.patch(`/api/orders/${orderId}/status/`, { order_status: 'shipped' });
    expectBothParts(await mail.nextMailTo(user.email), `Order #${orderId} has shipped`);
    await staff.patch(`/api/orders/${orderId}/status/`, { order_status: 'delivered' });
    expectBothParts(await mail.nextMailTo(user.email), `Order #${orderId} delivered`);

    const second = await placeCodOrder(client, tee.id);
    await mail.nextMailTo(user.email);
    await client.post(`/api/orders/${second.body.order_id}/cancel/`);
    expectBothParts(await mail.nextMailTo(user.email), `Order #${second.body.order_id} cancelled`);
  });

  it('confirms a card order when it is paid, and tells of its refund', async () => {
    const tee = await makeProduct(suite.db, { price: '499.00', stock: 10 });
    const { user, client } = await signedInUser(suite.server);
    const paid = await paidCardOrder(client, suite.server.client(), fake.stripe, suite.db, [{ id: tee.id, quantity: 1 }]);
    expectBothParts(await mail.nextMailTo(user.email), `Order #${paid.orderId} confirmed`, 'card payment of 499.00 INR');
    await staff.post(`/api/orders/${paid.orderId}/refund/`);
    expectBothParts(await mail.nextMailTo(user.email), `Refund for order #${paid.orderId}`, '499.00 INR');
  });
});

describe('order mails when the mail server fails', () => {
  it('answers the order before a mail server that never answers has said a word', async () => {
    // A TCP server that accepts the mailer's connection and stays silent: a mail sent to it cannot
    // finish (nodemailer waits 10 s for the greeting, then fails).
    const open = new Set<net.Socket>();
    let connections = 0;
    const silent = net.createServer((socket) => {
      connections += 1;
      open.add(socket);
      socket.on('close', () => open.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const server = await startServer({ SMTP_URL: `smtp://127.0.0.1:${(silent.address() as AddressInfo).port}` });
    try {
      const tee = await makeProduct(server.services.db, { stock: 5 });
      const { client } = await signedInUser(server);
      const placed = await placeCodOrder(client, tee.id);
      expect(placed.status).to.equal(200);
      // Had the order waited for the mail, the mailer would have given up and closed by now.
      const closedBeforeAnswer = connections - open.size;
      expect(closedBeforeAnswer).to.equal(0);
      // The mail was attempted all the same.
      while (connections === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const order = await client.get(`/api/orders/${placed.body.order_id}/`);
      expect(order.body.status).to.equal('processing');
    } finally {
      for (const socket of open) socket.destroy();
      await server.close();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('places the order when the mail server is unreachable', async () => {
    // A port nobody listens on: the connection is refused at once.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const server = await startServer({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    try {
      const tee = await makeProduct(server.services.db, { stock: 5 });
      const { client } = await signedInUser(server);
      const placed = await placeCodOrder(client, tee.id);
      expect(placed.status).to.equal(200);
      expect((await client.get(`/api/orders/${placed.body.order_id}/`)).body.status).to.equal('processing');
    } finally {
      await server.close();
    }
  });
});
