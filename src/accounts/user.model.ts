// A user: email-first, the email stored lower-case (a CHECK in the schema enforces it, so lookups
// lower-case what the client typed and uniqueness is case-insensitive). The password is an argon2id
// hash, a Django pbkdf2 hash of an account moved over from the Django backend, or null for an account
// that only ever signed in with Google.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { fn, Model, type RelationMappings } from 'objection';
import type { components } from '../../generated/openapi.js';
import { containsPattern } from '../db.js';
import { newestFirstPage } from '../http/paging.js';
import type { SessionUser } from '../services.js';
import { LoginSession } from './login-session.model.js';
import { OneTimeToken } from './one-time-token.model.js';

export type UserResponse = components['schemas']['User'];

export interface UserRow {
  id: number;
  email: string;
  password: string | null;
  first_name: string;
  last_name: string;
  is_active: boolean;
  is_staff: boolean;
  email_verified: boolean;
  /** When staff closed (anonymised) the account; null while it is open. */
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** What the staff panel shows of an account. */
export type PanelUserRow = Pick<UserRow, 'id' | 'email' | 'first_name' | 'last_name' | 'is_staff' | 'is_active' | 'created_at'>;

/** The staff panel's filters of the user list. */
export interface PanelUserFilters {
  /** Part of the email or of the name, any case. */
  search?: string | undefined;
  role?: 'admin' | 'user' | undefined;
  blocked?: boolean | undefined;
}

const PANEL_USER_COLUMNS = ['id', 'email', 'first_name', 'last_name', 'is_staff', 'is_active', 'created_at'] as const;

/** What a password login reads of a user: what the session carries, the hash to check, and whether it may sign in. */
export type UserWithSecret = SessionUser & Pick<UserRow, 'password' | 'is_active'>;

/** The columns of a signed-in user (SessionUser, the spec's User). */
const SESSION_USER_COLUMNS = ['id', 'email', 'first_name', 'last_name', 'is_staff', 'email_verified'] as const;

/** What Google vouches for about a person signing in. */
export interface GoogleAccount {
  email: string;
  givenName: string;
  familyName: string;
}

// Declaration merging gives the Objection model the row's typed columns.
export interface User extends UserRow {}
/**
 * The Objection model of users, with their login `sessions` and e-mailed `oneTimeTokens`.
 * Relations run from owner to owned, so the model files import each other one way only.
 */
export class User extends Model {
  static override tableName = 'users';

  sessions?: LoginSession[];
  oneTimeTokens?: OneTimeToken[];

  static override relationMappings: RelationMappings = {
    sessions: {
      relation: Model.HasManyRelation,
      modelClass: LoginSession,
      join: { from: 'users.id', to: 'login_sessions.user_id' },
    },
    oneTimeTokens: {
      relation: Model.HasManyRelation,
      modelClass: OneTimeToken,
      join: { from: 'users.id', to: 'one_time_tokens.user_id' },
    },
  };

  /** The email as stored: what the client typed, trimmed and lower-cased. */
  static normaliseEmail(email: string): string {
    return email.trim().toLowerCase();
  }

  /**
   * The user an access token speaks for: the token's session must be open and belong to that
   * user, and the user must be active. Asked on every authenticated request, so logout, refresh
   * reuse, password reset and deactivation end access at once rather than when the token expires.
   */
  static async signedInThrough(db: Knex, token: { sessionId: string; userId: number }): Promise<SessionUser | undefined> {
    return User.query(db)
      .select(SESSION_USER_COLUMNS.map((column) => `users.${column}`))
      .joinRelated('sessions')
      .where({ 'users.id': token.userId, 'users.is_active': true, 'sessions.id': token.sessionId })
      .whereNull('sessions.revoked_at')
      .first();
  }

  static async findByEmail(db: Knex, email: string): Promise<UserWithSecret | undefined> {
    return User.query(db)
      .select([...SESSION_USER_COLUMNS, 'password', 'is_active'])
      .findOne({ email: User.normaliseEmail(email) });
  }

  static async existsWithEmail(db: Knex, email: string): Promise<boolean> {
    return Boolean(
      await User.query(db)
        .select('id')
        .findOne({ email: User.normaliseEmail(email) }),
    );
  }

  /**
   * Creates a password account; answers undefined when the email is taken. ONE INSERT ... ON
   * CONFLICT DO NOTHING: the unique index decides between racing registrations of one email.
   * (Objection's own insert answers the object it was given even when nothing was inserted, so
   * this runs through Knex, whose RETURNING rows say what happened.)
   */
  static async register(
    db: Knex,
    account: { email: string; passwordHash: string; firstName: string; lastName: string },
  ): Promise<SessionUser | undefined> {
    const [created] = (await db(User.tableName)
      .insert({
        email: User.normaliseEmail(account.email),
        password: account.passwordHash,
        first_name: account.firstName,
        last_name: account.lastName,
      })
      .onConflict('email')
      .ignore()
      .returning([...SESSION_USER_COLUMNS])) as SessionUser[];
    return created;
  }

  /**
   * The account a Google sign-in enters: a new one (no password, email verified) or, when the
   * email has one, that account (Google has just proven the address belongs to this person).
   * Undefined when that account is deactivated.
   *
   * An existing account whose email was never verified may have been registered by someone else
   * in the owner's name, waiting for the owner to sign in and fill it (account pre-hijacking). It
   * is taken over (`takenOver: true`): the password its registrant chose is cleared (the owner
   * can set one through password reset) and so are the names they typed; the caller ends its
   * other sessions and mailed links. A verified account is only linked.
   *
   * Conditional statements only: an INSERT ... ON CONFLICT DO NOTHING, an UPDATE of an active
   * unverified account, else an UPDATE of an active one; run it in a transaction with the session
   * it opens (of two racing sign-ins, the second finds the account verified and only links).
   */
  static async enterWithGoogle(
    db: Knex,
    google: GoogleAccount,
  ): Promise<{ user: SessionUser; created: boolean; takenOver: boolean } | undefined> {
    const email = User.normaliseEmail(google.email);
    const [inserted] = (await db(User.tableName)
      .insert({ email, password: null, first_name: google.givenName, last_name: google.familyName, email_verified: true })
      .onConflict('email')
      .ignore()
      .returning([...SESSION_USER_COLUMNS])) as SessionUser[];
    if (inserted) return { user: inserted, created: true, takenOver: false };
    const [takenOver] = await User.query(db)
      .patch({ password: null, first_name: google.givenName, last_name: google.familyName, email_verified: true, updated_at: fn.now() })
      .where({ email, is_active: true, email_verified: false })
      .returning([...SESSION_USER_COLUMNS]);
    if (takenOver) return { user: takenOver, created: false, takenOver: true };
    const [linked] = await User.query(db)
      .patch({ email_verified: true, updated_at: fn.now() })
      .where({ email, is_active: true })
      .returning([...SESSION_USER_COLUMNS]);
    return linked ? { user: linked, created: false, takenOver: false } : undefined;
  }

  /**
   * Stores a new hash of the same password (a stronger algorithm or parameters), only while the
   * stored hash is still `oldHash`: a password changed meanwhile is never overwritten.
   */
  static async rehashPassword(db: Knex, id: number, oldHash: string, newHash: string): Promise<boolean> {
    const changed = await User.query(db).patch({ password: newHash, updated_at: fn.now() }).where({ id, password: oldHash });
    return changed === 1;
  }

  static async markEmailVerified(db: Knex, id: number): Promise<void> {
    await User.query(db).patch({ email_verified: true, updated_at: fn.now() }).findById(id);
  }

  /**
   * Sets the password from a reset link, only on an active account; following the mailed link
   * proves the address too. Answers the account's email when it was changed.
   */
  static async resetPassword(db: Knex, id: number, passwordHash: string): Promise<string | undefined> {
    const [changed] = await User.query(db)
      .patch({ password: passwordHash, email_verified: true, updated_at: fn.now() })
      .where({ id, is_active: true })
      .returning(['email']);
    return changed?.email;
  }

  /**
   * Creates an active, verified staff user, or makes the existing account with that email one and
   * sets its password: ONE INSERT ... ON CONFLICT DO UPDATE (`xmax = 0` tells a fresh insert from
   * an update).
   */
  static async createOrPromoteStaff(
    db: Knex,
    email: string,
    passwordHash: string,
  ): Promise<{ id: number; email: string; created: boolean }> {
    const result = await db.raw<{ rows: Array<{ id: number; email: string; created: boolean }> }>(
      `INSERT INTO users (email, password, is_staff, is_active, email_verified) VALUES (?, ?, true, true, true)
       ON CONFLICT (email) DO UPDATE SET password = excluded.password, is_staff = true, is_active = true, updated_at = now()
       RETURNING id, email, (xmax = 0) AS created`,
      [User.normaliseEmail(email), passwordHash],
    );
    return result.rows[0]!;
  }

  // The staff panel's statements (the rules they serve are in staff-actions.ts).

  /** One page of the open accounts matching the filters, newest first, and how many match. */
  static async panelPage(
    db: Knex,
    filters: PanelUserFilters,
    page: { limit: number; offset: number },
  ): Promise<{ rows: PanelUserRow[]; total: number }> {
    const matching = () => {
      const query = db(User.tableName).whereNull('closed_at');
      if (filters.search) {
        // ILIKE with the user's text taken literally (% and _ are not wildcards here).
        const pattern = containsPattern(filters.search);
        query.where((either) => {
          either.where('email', 'ilike', pattern).orWhereRaw("concat_ws(' ', first_name, last_name) ILIKE ?", [pattern]);
        });
      }
      if (filters.role) query.where('is_staff', filters.role === 'admin');
      if (filters.blocked !== undefined) query.where('is_active', !filters.blocked);
      return query;
    };
    return await newestFirstPage<PanelUserRow>(matching, PANEL_USER_COLUMNS, page);
  }

  /** An open account, or undefined (also for a closed one). */
  static async findOpen(db: Knex, id: number): Promise<PanelUserRow | undefined> {
    return await User.query(db).select(PANEL_USER_COLUMNS).findOne({ id }).whereNull('closed_at');
  }

  /** Whether the account exists, is open and is blocked (a closed account is gone, not blocked). */
  static async isBlocked(db: Knex, id: number): Promise<boolean> {
    const user = await User.query(db).select('is_active', 'closed_at').findById(id);
    return Boolean(user && !user.is_active && !user.closed_at);
  }

  /** How many accounts are open. */
  static async countOpen(db: Knex): Promise<number> {
    return await User.query(db).whereNull('closed_at').resultSize();
  }

  /**
   * Locks the account and every active staff account (in id order, so concurrent staff actions
   * never deadlock) until the transaction ends, and answers the active staff ids. Two staff
   * members blocking each other at once are serialised here: the second sees the first's change,
   * so the shop always keeps one active staff account.
   */
  static async lockWithActiveStaff(trx: Knex.Transaction, id: number): Promise<number[]> {
    const locked = await User.query(trx)
      .select('id', 'is_staff', 'is_active')
      .where((either) => {
        either.where({ is_staff: true, is_active: true }).orWhere({ id });
      })
      .orderBy('id')
      .forUpdate();
    return locked.filter((user) => user.is_staff && user.is_active).map((user) => user.id);
  }

  /**
   * Blocks (is_active false) or unblocks the account. Blocking ends every session of the user in
   * the same statement (the users_deactivation_ends_sessions trigger), so unblocking later revives
   * no old token.
   */
  static async setBlocked(trx: Knex.Transaction, id: number, blocked: boolean): Promise<void> {
    await User.query(trx).patch({ is_active: !blocked, updated_at: fn.now() }).findById(id);
  }

  /**
   * Closes the account: the email becomes a unique placeholder at the reserved `.invalid` domain,
   * the name and password are cleared, the account can no longer sign in (its sessions end through
   * the deactivation trigger) and its e-mailed links stop working.
   */
  static async close(trx: Knex.Transaction, id: number): Promise<void> {
    const placeholder = `closed-${id}-${randomBytes(6).toString('hex')}@closed.invalid`;
    await User.query(trx)
      .patch({
        email: placeholder,
        first_name: '',
        last_name: '',
        password: null,
        email_verified: false,
        is_active: false,
        closed_at: fn.now(),
        updated_at: fn.now(),
      } as unknown as Partial<User>)
      .findById(id);
    await OneTimeToken.query(trx).delete().where({ user_id: id });
  }
}

export function toUserResponse(user: SessionUser): UserResponse {
  return {
    id: user.id,
    email: user.email,
    first_name: user.first_name,
    last_name: user.last_name,
    is_staff: user.is_staff,
    email_verified: user.email_verified,
  };
}
