// The staff panel's users resource, on the original's paths and keys: the list (with each user's
// order count and paid total), one user with their orders, blocking and closing an account. The
// account rules are the accounts domain's (staff-actions.ts); this file adds the order figures
// and, for a closure, removes what the cart and orders domains keep of the person. Every change
// is audited in its own transaction.
import { record } from '../audit/audit.js';
import { closeAccount, toggleBlock } from '../accounts/staff-actions.js';
import { User, type PanelUserRow } from '../accounts/user.model.js';
import { Cart } from '../cart/cart.model.js';
import { Wishlist } from '../cart/wishlist.model.js';
import { notFound } from '../http/errors.js';
import { pageOf, pagingHeaders } from '../http/paging.js';
import { formatMoney } from '../money.js';
import { Address } from '../orders/addresses/address.model.js';
import { OrderFigures } from '../orders/order-figures.js';
import { Order } from '../orders/order.model.js';
import type { components } from '../../generated/openapi.js';
import type { OperationTable } from '../services.js';

type PanelUser = components['schemas']['PanelUser'];
type PanelUserOrder = components['schemas']['PanelUserOrder'];

/** A user's orders shown on their page: the newest this many. */
const ORDERS_SHOWN = 200;

/** "first last", or the part of the email before `@` for an account without a name (as the original). */
function displayName(user: PanelUserRow): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return name || user.email.split('@')[0]!;
}

function toPanelUser(user: PanelUserRow, figures: { orders: number; spent: string } | undefined): PanelUser {
  return {
    id: user.id,
    email: user.email,
    name: displayName(user),
    picture: null,
    role: user.is_staff ? 'admin' : 'user',
    isBlock: !user.is_active,
    date_joined: new Date(user.created_at).toISOString(),
    orders_count: figures?.orders ?? 0,
    total_spent: formatMoney(figures?.spent ?? '0'),
  };
}

/** What the audit log keeps of an account: its standing, never its personal data (a closure erases that). */
const auditedState = (user: PanelUserRow) => ({ role: user.is_staff ? 'admin' : 'user', isBlock: !user.is_active });

export const panelUserOperations = {
  listPanelUsers: {
    staffOnly: true,
    async handle({ query, services, request }) {
      const page = pageOf(query);
      const { rows, total } = await User.panelPage(services.db, query, page);
      const figures = await OrderFigures.ofUsers(
        services.db,
        rows.map((user) => user.id),
      );
      const body = rows.map((user) => toPanelUser(user, figures.get(user.id)));
      return { status: 200, body, headers: pagingHeaders(request.url, page, total) };
    },
  },

  getPanelUser: {
    staffOnly: true,
    async handle({ params, services }) {
      const { db } = services;
      const user = await User.findOpen(db, params.id);
      if (!user) throw notFound('User not found.');
      const [figures, { rows }] = await Promise.all([
        OrderFigures.ofUsers(db, [user.id]),
        Order.pageOfUser(db, user.id, { limit: ORDERS_SHOWN, offset: 0 }),
      ]);
      const orders: PanelUserOrder[] = (await Order.responsesOf(db, rows)).map((order) => ({
        id: order.id,
        total_amount: order.total_amount,
        order_status: order.order_status,
        payment_status: order.payment_status,
        payment_method: order.payment_method,
        created_at: order.created_at,
        items: order.items,
        address: order.address,
      }));
      return { status: 200, body: { ...toPanelUser(user, figures.get(user.id)), orders } };
    },
  },

  togglePanelUserBlock: {
    staffOnly: true,
    async handle({ params, services, user: staff }) {
      const blocked = await services.db.transaction(async (trx) => {
        const change = await toggleBlock(trx, staff.id, params.id);
        await record(trx, {
          actorId: staff.id,
          action: change.blocked ? 'user.block' : 'user.unblock',
          target: { type: 'user', id: params.id },
          before: auditedState(change.before),
          after: { ...auditedState(change.before), isBlock: change.blocked },
        });
        return change.blocked;
      });
      return { status: 200, body: { status: 'success' as const, isBlock: blocked } };
    },
  },

  deletePanelUser: {
    staffOnly: true,
    async handle({ params, services, user: staff }) {
      await services.db.transaction(async (trx) => {
        const before = await closeAccount(trx, staff.id, params.id);
        // The address book, cart and wishlist are the person's, not the shop's: they go. Orders
        // stay (the books need them) with their own copy of the shipping address.
        await Address.removeAllOf(trx, params.id);
        await Cart.removeOf(trx, params.id);
        await Wishlist.removeOf(trx, params.id);
        await record(trx, {
          actorId: staff.id,
          action: 'user.delete',
          target: { type: 'user', id: params.id },
          before: auditedState(before),
          after: { closed: true },
        });
      });
      return { status: 200, body: { status: 'deleted' as const } };
    },
  },
} satisfies Partial<OperationTable>;
