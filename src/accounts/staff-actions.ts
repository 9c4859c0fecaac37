// What staff may do to an account from the panel — block or unblock it, close it — and the rules
// that keep the shop administrable: nobody blocks or closes their own account, and the last active
// staff account stays. Each runs inside the caller's transaction (which also writes the audit
// entry and, for a closure, removes what other domains keep of the user).
import type { Knex } from 'knex';
import { conflict, notFound } from '../http/errors.js';
import { User, type PanelUserRow } from './user.model.js';

/** What a blocked user is told by login, refresh and Google sign-in (403). */
export const ACCOUNT_BLOCKED = 'This account has been blocked. Please contact the shop.';

type StaffAction = 'block' | 'delete';

/** Locks the account and the active staff, then checks the action is allowed; answers the account as it was. */
async function allowedTarget(trx: Knex.Transaction, actorId: number, userId: number, action: StaffAction): Promise<PanelUserRow> {
  const activeStaff = await User.lockWithActiveStaff(trx, userId);
  const user = await User.findOpen(trx, userId);
  if (!user) throw notFound('User not found.');
  if (userId === actorId) throw conflict(`You cannot ${action} your own account.`);
  const removesStaff = user.is_staff && user.is_active;
  if (removesStaff && activeStaff.filter((id) => id !== userId).length === 0) {
    throw conflict(`You cannot ${action} the last active staff account.`);
  }
  return user;
}

/** Blocks an active account or unblocks a blocked one; answers the account before and whether it is now blocked. */
export async function toggleBlock(
  trx: Knex.Transaction,
  actorId: number,
  userId: number,
): Promise<{ before: PanelUserRow; blocked: boolean }> {
  const before = await allowedTarget(trx, actorId, userId, 'block');
  const blocked = before.is_active;
  await User.setBlocked(trx, userId, blocked);
  return { before, blocked };
}

/** Closes (anonymises) the account; answers it as it was. */
export async function closeAccount(trx: Knex.Transaction, actorId: number, userId: number): Promise<PanelUserRow> {
  const before = await allowedTarget(trx, actorId, userId, 'delete');
  await User.close(trx, userId);
  return before;
}
