// `npm run contract -- --base-url URL`: checks a running server, a deployed one too, against
// openapi.yaml. It drives every operation it can as a client would (public reads, the error
// answers of bad input, a throwaway shopper's session from registration to logout, and with a
// staff login a product and orders of its own), checks every response with testing/spec.ts
// (status documented, media type, body schema, required headers), prints the operations covered
// and each violation, and exits 1 on any violation or unexpected answer. A part cut short by a
// throttle (429, documented) is reported as not driven, and is no failure: run again later.
//
// What it leaves behind: a shopper account `contract-<random>@example.com` (closed and anonymised
// through the staff panel when a staff login is given) and, with a staff login, two cancelled
// orders of a product it created and deleted, and the audit log's lines of those staff actions. It
// buys nothing of the real catalogue: without a staff login no order is placed.
//
// Requests carry the session's access token as `Authorization: Bearer` besides its cookies, so
// the CSRF rule (which exempts bearer requests) needs no trusted Origin.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CookieJar } from '../testing/cookie-jar.js';
import { specBackend, specViolations } from '../testing/spec.js';

const USAGE = `usage: npm run contract -- --base-url URL [--staff-email EMAIL --staff-password PASSWORD]
  (or CONTRACT_BASE_URL, CONTRACT_STAFF_EMAIL, CONTRACT_STAFF_PASSWORD)`;

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A step's request answered otherwise than the step needs; what depends on it is skipped. */
class Unexpected extends Error {}

/** The server declined for a reason of its own (a throttle): what depends on it is skipped, no failure. */
class Declined extends Error {}

function noAnswerReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

class Session {
  readonly jar = new CookieJar();
  /** An access token from a response body (the token endpoints), else the access cookie's. */
  bearer: string | undefined;
  headers(): Record<string, string> {
    const headers: Record<string, string> = {};
    const cookie = this.jar.header();
    if (cookie) headers.cookie = cookie;
    const access = this.bearer ?? this.jar.get('access');
    if (access) headers.authorization = `Bearer ${access}`;
    return headers;
  }
}

class ContractRun {
  /** operationId → statuses received. */
  readonly covered = new Map<string, Set<number>>();
  readonly violations: string[] = [];
  readonly unexpected: string[] = [];
  /** Parts cut short by a throttle: reported, not failures (run again later). */
  readonly declined: string[] = [];

  constructor(readonly baseUrl: string) {}

  async send(
    method: string,
    path: string,
    options: { session?: Session; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.session?.headers(), ...options.headers };
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body, redirect: 'manual' }).catch((error: unknown) => {
      throw new Unexpected(`${method} ${path}: no answer (${noAnswerReason(error)})`);
    });
    options.session?.jar.store(response.headers);
    const text = await response.text();
    let parsed: unknown = text === '' ? undefined : text;
    if ((response.headers.get('content-type') ?? '').startsWith('application/json') && text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        this.violations.push(`${method} ${path} → ${response.status}: the body is not the JSON its content type says`);
      }
    }
    const api = await specBackend();
    const operation = api.router.matchOperation({ method, path: path.split('?')[0]!, headers: {} });
    const problems = await specViolations({ method, path, status: response.status, headers: response.headers, body: parsed });
    if (!response.headers.has('x-request-id')) problems.push(`${method} ${path} → ${response.status}: no X-Request-Id`);
    this.violations.push(...problems);
    const operationId = operation?.operationId ?? '-';
    if (operation) this.covered.set(operationId, (this.covered.get(operationId) ?? new Set()).add(response.status));
    console.log(`  ${problems.length ? '✘' : '✔'} ${operationId.padEnd(22)} ${method} ${path} → ${response.status}`);
    return { status: response.status, headers: response.headers, body: parsed };
  }

  /** The answer when its status is one of `expected`; otherwise recorded as unexpected. */
  async expect(expected: number[], method: string, path: string, options: Parameters<ContractRun['send']>[2] = {}): Promise<Answer> {
    const answer = await this.send(method, path, options);
    if (answer.status === 429 && !expected.includes(429)) {
      throw new Declined(`${method} ${path} was throttled (429, Retry-After ${answer.headers.get('retry-after') ?? '?'} s)`);
    }
    if (!expected.includes(answer.status)) {
      const said = (answer.body as { error?: unknown } | undefined)?.error;
      throw new Unexpected(
        `${method} ${path} answered ${answer.status}, expected ${expected.join(' or ')}${typeof said === 'string' ? `: ${said}` : ''}`,
      );
    }
    return answer;
  }

  /** Like expect, for a request nothing else depends on: an unexpected answer is recorded, and the run goes on. */
  async check(expected: number[], method: string, path: string, options: Parameters<ContractRun['send']>[2] = {}): Promise<Answer> {
    const answer = await this.send(method, path, options);
    if (!expected.includes(answer.status)) {
      const message = `${method} ${path} answered ${answer.status}, expected ${expected.join(' or ')}`;
      this.unexpected.push(message);
      console.log(`  ! ${message}`);
    }
    return answer;
  }

  /** Runs a part of the check; an unexpected answer or a failure ends that part only. */
  async part(title: string, run: () => Promise<void>): Promise<void> {
    console.log(title);
    try {
      await run();
    } catch (error) {
      if (error instanceof Declined) {
        this.declined.push(error.message);
        console.log(`  - ${error.message} (the rest of this part is skipped)`);
        return;
      }
      const message = error instanceof Unexpected ? error.message : `${title}: ${(error as Error).stack ?? String(error)}`;
      this.unexpected.push(message);
      console.log(`  ! ${message} (the rest of this part is skipped)`);
    }
  }
}

const ADDRESS = { full_name: 'Contract Check', phone: '9876543210', street: '1 Contract Street', city: 'Testville', pincode: '560001' };

/** Drives the server at `baseUrl`; resolves with the run's findings. */
async function checkContract(baseUrl: string, staff?: { email: string; password: string }): Promise<ContractRun> {
  const run = new ContractRun(baseUrl.replace(/\/+$/, ''));
  const tag = randomBytes(5).toString('hex');
  const anonymous = new Session();
  const shopper = new Session();
  const staffSession = new Session();
  let product: { id: number; price: string } | undefined;
  let ownProduct = false;
  let orderId: number | undefined;
  let cancelledOrderId: number | undefined;

  await run.part('Public operations and the answers to bad input', async () => {
    await run.check([200], 'GET', '/healthz');
    await run.check([200], 'GET', '/api/openapi.yaml');
    await run.check([200], 'GET', '/api/docs');
    await run.check([404], 'GET', `/media/contract-${tag}.png`);
    const listed = await run.check([200], 'GET', '/api/products/?limit=5');
    await run.check([200], 'GET', '/api/products/?search=a&category=men&min_price=0&max_price=100000&limit=2&offset=1');
    const first = Array.isArray(listed.body) ? (listed.body as Array<{ id?: unknown }>)[0] : undefined;
    if (typeof first?.id === 'number') await run.check([200], 'GET', `/api/products/${first.id}/`);
    await run.check([404], 'GET', '/api/products/2147483646/');
    await run.check([400], 'GET', '/api/products/?limit=not-a-number');
    await run.check([401], 'GET', '/api/auth/me/', { session: anonymous });
    await run.check([401], 'GET', '/api/cart/', { session: anonymous });
    await run.check([401], 'POST', '/api/auth/refresh/', { session: anonymous });
    await run.check([400, 429], 'POST', '/api/auth/token/', {
      body: { email: `contract-${tag}@example.com`, password: 'not-the-password' },
    });
    await run.check([401], 'POST', '/api/auth/token/refresh/', { body: { refresh: 'not-a-token' } });
    await run.check([400, 429], 'POST', '/api/auth/login/', {
      body: { email: `contract-${tag}@example.com`, password: 'not-the-password' },
    });
    await run.check([400, 503], 'POST', '/api/auth/google/', { body: {} });
    await run.check([400], 'POST', '/api/auth/verify-email/', { body: { token: 'not-a-token' } });
    await run.check([400], 'POST', '/api/auth/password-reset/confirm/', { body: { token: 'not-a-token', password: 'a-long-password' } });
    await run.check([400, 503], 'POST', '/api/orders/webhook/', { raw: '{}', headers: { 'content-type': 'application/json' } });
    await run.check([405], 'DELETE', '/api/products/');
  });

  if (staff) {
    await run.part('Staff: a product of its own', async () => {
      await run.expect([200], 'POST', '/api/auth/login/', { session: staffSession, body: staff });
      const input = {
        name: `Contract check ${tag}`,
        price: '1.00',
        category: 'men',
        description: 'Created and deleted by npm run contract.',
        stock: 5,
      };
      const created = await run.expect([201], 'POST', '/api/products/create/', { session: staffSession, body: input });
      product = created.body as { id: number; price: string };
      ownProduct = true;
      await run.expect([200], 'PUT', `/api/products/${product.id}/`, { session: staffSession, body: { ...input, price: '2.00' } });
      product = (await run.expect([200], 'PATCH', `/api/products/${product.id}/`, { session: staffSession, body: { price: '1.50' } }))
        .body as { id: number; price: string };
      const read = await run.expect([200], 'GET', `/api/products/${product.id}/`);
      const etag = read.headers.get('etag');
      if (etag) await run.expect([304], 'GET', `/api/products/${product.id}/`, { headers: { 'if-none-match': etag } });
    });
  }

  await run.part(`A shopper's session (contract-${tag}@example.com)`, async () => {
    const email = `contract-${tag}@example.com`;
    const password = `contract-${tag}-password`;
    await run.expect([201], 'POST', '/api/auth/register/', { session: shopper, body: { email, password } });
    await run.expect([200], 'GET', '/api/auth/me/', { session: shopper });
    await run.expect([200], 'POST', '/api/auth/login/', { session: shopper, body: { email, password } });
    await run.expect([200, 429], 'POST', '/api/auth/resend-verification/', { session: shopper });
    await run.expect([200, 429], 'POST', '/api/auth/password-reset/', { body: { email } });
    await run.expect([403], 'POST', '/api/products/create/', {
      session: shopper,
      body: { name: 'Not allowed', price: '1.00', category: 'men', description: 'A shopper may not create products.' },
    });
    await run.expect([403], 'PATCH', '/api/orders/2147483646/status/', { session: shopper, body: { status: 'shipped' } });
    await run.expect([403], 'GET', '/api/orders/admin/all/', { session: shopper });
    await run.expect([403], 'POST', '/api/orders/2147483646/refund/', { session: shopper, body: {} });
    await run.expect([404], 'GET', '/api/orders/2147483646/', { session: shopper });
    await run.expect([404], 'POST', '/api/orders/2147483646/cancel/', { session: shopper });
    // The staff panel, refused to a shopper (without a staff login, its only coverage).
    for (const [method, path] of [
      ['GET', '/api/panel/users/'],
      ['GET', '/api/panel/users/2147483646/'],
      ['POST', '/api/panel/users/2147483646/toggle-block/'],
      ['DELETE', '/api/panel/users/2147483646/delete/'],
      ['GET', '/api/panel/dashboard/'],
      ['GET', '/api/panel/reports/'],
      ['GET', '/api/panel/audit-log/'],
    ] as const) {
      await run.expect([403], method, path, { session: shopper });
    }

    // Tokens in bodies, as an app without cookies gets them: a session of its own, renewed, ended.
    const tokens = (await run.expect([200], 'POST', '/api/auth/token/', { body: { email, password } })).body as { refresh: string };
    const renewed = (await run.expect([200], 'POST', '/api/auth/token/refresh/', { body: { refresh: tokens.refresh } })).body as {
      access: string;
    };
    const app = new Session();
    app.bearer = renewed.access;
    await run.expect([200], 'GET', '/api/auth/me/', { session: app });
    await run.expect([200], 'POST', '/api/auth/logout/', { session: app });
    await run.expect([401], 'GET', '/api/auth/me/', { session: app });

    const address = (await run.expect([201], 'POST', '/api/orders/addresses/', { session: shopper, body: ADDRESS })).body as { id: number };
    await run.expect([200], 'PATCH', `/api/orders/addresses/${address.id}/`, { session: shopper, body: { city: 'Contract City' } });
    await run.expect([200], 'GET', '/api/orders/addresses/', { session: shopper });

    if (!product) {
      const listed = (await run.expect([200], 'GET', '/api/products/?limit=50')).body as Array<{
        id: number;
        price: string;
        stock: number;
      }>;
      product = listed.find((candidate) => candidate.stock > 0);
    }
    if (product) {
      const { id } = product;
      await run.expect([200], 'POST', '/api/cart/wishlist/add/', { session: shopper, body: { product_id: id } });
      const wishlist = (await run.expect([200], 'GET', '/api/cart/wishlist/', { session: shopper })).body as {
        items: Array<{ id: number }>;
      };
      await run.expect([200], 'DELETE', `/api/cart/wishlist/remove/${wishlist.items[0]!.id}/`, { session: shopper });
      await run.expect([200], 'POST', '/api/cart/add/', { session: shopper, body: { product_id: id, quantity: 1 } });
      const cart = (await run.expect([200], 'GET', '/api/cart/', { session: shopper })).body as { items: Array<{ id: number }> };
      await run.expect([200], 'PATCH', `/api/cart/update/${cart.items[0]!.id}/`, { session: shopper, body: { quantity: 1 } });
      await run.expect([200], 'DELETE', `/api/cart/remove/${cart.items[0]!.id}/`, { session: shopper });
      await run.expect([200], 'POST', '/api/cart/add/', { session: shopper, body: { product_id: id, quantity: 1 } });
      // A price the shopper saw that is no longer the price: 409, nothing ordered.
      const seen = { id, name: 'Contract check', price: '999999.00', quantity: 1 };
      await run.expect([409], 'POST', '/api/orders/create/', {
        session: shopper,
        body: { payment_method: 'cod', cart: [seen], address_id: address.id },
        headers: { 'idempotency-key': `contract-${tag}-stale` },
      });
      if (ownProduct) {
        // Two cash orders of its own product: the shopper cancels the first, staff the second.
        const first = await run.expect([200], 'POST', '/api/orders/create/', {
          session: shopper,
          body: { payment_method: 'cod', address_id: address.id },
          headers: { 'idempotency-key': `contract-${tag}-cod-1` },
        });
        cancelledOrderId = (first.body as { order_id: number }).order_id;
        await run.expect([200], 'GET', `/api/orders/${cancelledOrderId}/`, { session: shopper });
        await run.expect([200], 'POST', `/api/orders/${cancelledOrderId}/cancel/`, { session: shopper });
        await run.expect([409], 'POST', `/api/orders/${cancelledOrderId}/cancel/`, { session: shopper });
        await run.expect([200], 'POST', '/api/cart/add/', { session: shopper, body: { product_id: id, quantity: 1 } });
        const second = await run.expect([200], 'POST', '/api/orders/create/', {
          session: shopper,
          body: { payment_method: 'cod', address_id: address.id },
          headers: { 'idempotency-key': `contract-${tag}-cod-2` },
        });
        orderId = (second.body as { order_id: number }).order_id;
      } else {
        console.log('  (no staff login: no order is placed, so nothing of the real catalogue is bought)');
      }
      await run.expect([200], 'DELETE', '/api/cart/clear/', { session: shopper });
    } else {
      console.log('  (no product in stock: wishlist, cart and order steps skipped)');
    }
    await run.expect([200], 'GET', '/api/orders/my/?limit=10', { session: shopper });
    await run.expect([404, 502, 503], 'GET', `/api/orders/verify-payment/?session_id=cs_contract_${tag}`, { session: shopper });
    await run.expect([204], 'DELETE', `/api/orders/addresses/${address.id}/`, { session: shopper });

    await run.expect([200], 'POST', '/api/auth/refresh/', { session: shopper });
    // The session's tokens as they were before logout, sent again afterwards: both refused.
    const loggedOut = new Session();
    for (const [name, value] of shopper.jar) loggedOut.jar.set(name, value);
    await run.expect([200], 'POST', '/api/auth/logout/', { session: shopper });
    await run.expect([401], 'GET', '/api/auth/me/', { session: loggedOut });
    await run.expect([401], 'POST', '/api/auth/refresh/', { session: loggedOut });
  });

  if (staff) {
    await run.part('Staff: the orders, then cancel the order and delete the product', async () => {
      await run.expect([200], 'GET', '/api/orders/admin/all/?limit=5', { session: staffSession });
      if (orderId !== undefined) {
        // A cash order is not refunded through Stripe: 409 (503 where Stripe is not configured).
        await run.expect([409, 503], 'POST', `/api/orders/${orderId}/refund/`, { session: staffSession, body: {} });
        await run.expect([200], 'PATCH', `/api/orders/${orderId}/status/`, { session: staffSession, body: { status: 'cancelled' } });
      }
      if (cancelledOrderId !== undefined) {
        await run.expect([409], 'PATCH', `/api/orders/${cancelledOrderId}/status/`, { session: staffSession, body: { status: 'shipped' } });
      }
      if (ownProduct && product) await run.expect([204], 'DELETE', `/api/products/${product.id}/`, { session: staffSession });
    });
    await run.part('Staff panel: the figures, then block, unblock and close the throwaway shopper', async () => {
      await run.expect([200], 'GET', '/api/panel/dashboard/', { session: staffSession });
      await run.expect([200], 'GET', '/api/panel/reports/', { session: staffSession });
      await run.expect([200], 'GET', '/api/panel/reports/?format=csv', { session: staffSession });
      await run.expect([200], 'GET', '/api/panel/audit-log/?limit=5', { session: staffSession });
      const found = await run.expect([200], 'GET', `/api/panel/users/?search=contract-${tag}`, { session: staffSession });
      const user = (found.body as Array<{ id: number; email: string }>).find((row) => row.email === `contract-${tag}@example.com`);
      if (user) {
        await run.expect([200], 'GET', `/api/panel/users/${user.id}/`, { session: staffSession });
        await run.expect([200], 'POST', `/api/panel/users/${user.id}/toggle-block/`, { session: staffSession });
        // Blocked: its login is refused.
        await run.expect([403], 'POST', '/api/auth/login/', { body: { email: user.email, password: `contract-${tag}-password` } });
        await run.expect([200], 'POST', `/api/panel/users/${user.id}/toggle-block/`, { session: staffSession });
        // The shopper was made for this run: its account is closed (anonymised), its orders stay.
        await run.expect([200], 'DELETE', `/api/panel/users/${user.id}/delete/`, { session: staffSession });
        await run.expect([404], 'GET', `/api/panel/users/${user.id}/`, { session: staffSession });
      }
      await run.expect([200], 'POST', '/api/auth/logout/', { session: staffSession });
    });
  }
  return run;
}

async function main(): Promise<number> {
  let values: { 'base-url'?: string; 'staff-email'?: string; 'staff-password'?: string; help?: boolean };
  try {
    values = parseArgs({
      options: {
        'base-url': { type: 'string' },
        'staff-email': { type: 'string' },
        'staff-password': { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const baseUrl = values['base-url'] ?? process.env.CONTRACT_BASE_URL;
  const email = values['staff-email'] ?? process.env.CONTRACT_STAFF_EMAIL;
  const password = values['staff-password'] ?? process.env.CONTRACT_STAFF_PASSWORD;
  if (!baseUrl || !/^https?:\/\/[^/]/.test(baseUrl)) {
    console.error(`A base URL (http:// or https://) is required.\n${USAGE}`);
    return 2;
  }
  if (Boolean(email) !== Boolean(password)) {
    console.error(`A staff login needs both the email and the password.\n${USAGE}`);
    return 2;
  }
  console.log(
    `Checking ${baseUrl} against openapi.yaml${email ? `, staff ${email}` : ' (no staff login: staff operations only as refusals)'}`,
  );
  // Compiled first: compiling takes seconds of CPU, long enough for the server to close an idle
  // keep-alive connection under a request about to reuse it.
  const api = await specBackend();
  try {
    await (await fetch(`${baseUrl.replace(/\/+$/, '')}/healthz`)).arrayBuffer();
  } catch (error) {
    console.error(`No answer from ${baseUrl}: ${noAnswerReason(error)}`);
    return 1;
  }
  const run = await checkContract(baseUrl, email && password ? { email, password } : undefined);

  const operations = api.getOperations().map((operation) => operation.operationId!);
  const missing = operations.filter((operationId) => !run.covered.has(operationId));
  console.log(`\nOperations covered: ${operations.length - missing.length} of ${operations.length}`);
  for (const operationId of operations) {
    const statuses = run.covered.get(operationId);
    console.log(`  ${statuses ? '✔' : '·'} ${operationId.padEnd(22)} ${statuses ? [...statuses].join(', ') : 'not driven'}`);
  }
  console.log(`\nViolations of openapi.yaml: ${run.violations.length}`);
  for (const violation of run.violations) console.log(`  ✘ ${violation}`);
  console.log(`Unexpected answers: ${run.unexpected.length}`);
  for (const message of run.unexpected) console.log(`  ! ${message}`);
  if (run.declined.length) console.log(`Throttled, so not driven further (run again later): ${run.declined.join('; ')}`);
  return run.violations.length || run.unexpected.length ? 1 : 0;
}

process.exitCode = await main();
