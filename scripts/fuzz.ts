// `npm run fuzz`: sends every operation of openapi.yaml thousands of hostile variants (wrong JSON
// types at every property, NUL bytes, unpaired surrogates, huge numbers and strings, malformed and
// deeply nested JSON, bodies of tens of thousands of keys, values nested thousands deep, long
// arrays, many and repeated query parameters, odd media types and multipart forms, bad path and query parameters, garbage
// headers and cookies, wrong methods) plus a few concurrent writes, and reports every answer that
// is a 5xx (other than the documented 503 of an unconfigured integration), not JSON in the error
// schema, or not allowed by openapi.yaml. Runs the app in-process on loopback against a throwaway
// database (PostgreSQL when DATABASE_URL is set, else in-memory PGlite), ~8,000 requests in about
// 20 s. `FUZZ_STRIPE=1` also configures Stripe (a local fake) and sends signed hostile webhook
// events. Exits 1 when anything was found.
//
// Each kind of hostile input is a generator: a function from one operation (its path, body and
// fixtures) to the requests of that kind; main composes them.
import http from 'node:http';
import type { SpecOperation } from '../src/http/spec.js';
import { startServer, dropTestDatabase, type TestServer } from '../test/support/server.js';
import { makeUser, makeProduct, accessTokenFor } from '../test/support/factories.js';
import { specViolations } from '../testing/spec.js';
import { FakeStripe, stripeEnv, stripeSignature } from '../testing/fakes/stripe.js';

const ORIGIN = 'http://localhost:5173';
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

interface Sent {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}
interface Got {
  status: number;
  headers: Headers;
  text: string;
}

// ---------------------------------------------------------------- sending and judging

/**
 * Sends one request on the keep-alive agent. A reset of a reused connection is the server closing
 * it as idle just as the request went out (the fuzzer and the app share one event loop, so a long
 * spec check can outlast the keep-alive timeout): that request is sent again on a new connection,
 * as Node's documentation advises. A reset of a fresh connection is the app's doing and reported.
 */
function send(base: string, req: Sent, freshConnection = false): Promise<Got> {
  const url = new URL(base);
  if (req.body !== undefined && !Object.keys(req.headers).some((k) => k.toLowerCase() === 'content-length')) {
    req = { ...req, headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) } };
  }
  return new Promise((resolve) => {
    const r = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers: req.headers,
        agent: freshConnection ? false : agent,
        insecureHTTPParser: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (Array.isArray(v)) v.forEach((x) => h.append(k, x));
            else if (v !== undefined) h.set(k, v);
          }
          resolve({ status: res.statusCode ?? 0, headers: h, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    r.on('error', (e: NodeJS.ErrnoException) => {
      if (r.reusedSocket && e.code === 'ECONNRESET') resolve(send(base, req, true));
      else resolve({ status: -1, headers: new Headers(), text: `CLIENT ERROR ${e.message}` });
    });
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

const findings = new Map<string, { count: number; example: string }>();
let total = 0;
const statusCounts = new Map<number, number>();
const legitCounts = new Map<string, number>();

const pathShape = (path: string) => path.split('?')[0]!.replace(/\/\d+\//g, '/N/');

function flag(kind: string, req: Sent, got: Got, extra = '') {
  const key = `${kind} | ${req.method} ${pathShape(req.path)} | ${got.status}`;
  const existing = findings.get(key);
  if (existing) existing.count++;
  else
    findings.set(key, {
      count: 1,
      example: JSON.stringify({
        label: req.label,
        path: req.path.slice(0, 200),
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, v.slice(0, 80)])),
        body: String(req.body ?? '').slice(0, 200),
        resp: got.text.slice(0, 300),
        extra: extra.slice(0, 600),
      }),
    });
}

/** Sends one request and records what is wrong with the answer; `legit503`: the operation may answer 502/503. */
async function check(base: string, req: Sent, legit503 = false): Promise<Got> {
  const got = await send(base, req);
  total++;
  statusCounts.set(got.status, (statusCounts.get(got.status) ?? 0) + 1);
  if (got.status === 503 || got.status === 502) {
    const k = `${got.status} ${req.method} ${pathShape(req.path)} ${got.text.slice(0, 90)}`;
    legitCounts.set(k, (legitCounts.get(k) ?? 0) + 1);
  }
  if (got.status < 0) {
    flag('connection error', req, got);
    return got;
  }
  // A HEAD answer has no body by HTTP's rules, so only its status is judged.
  if (req.method === 'HEAD') {
    if (got.status >= 500) flag(`status ${got.status}`, req, got);
    return got;
  }
  if (got.status >= 500 && !(legit503 && (got.status === 503 || got.status === 502))) flag(`status ${got.status}`, req, got);
  if ((got.headers.get('content-type') ?? '').includes('json') && /\bat \S+ \(|node_modules|\.ts:\d+/.test(got.text))
    flag('stack trace in body', req, got);
  const ct = got.headers.get('content-type') ?? '';
  let parsed: unknown = got.text === '' ? undefined : got.text;
  if (ct.startsWith('application/json') && got.text !== '') {
    try {
      parsed = JSON.parse(got.text);
    } catch {
      flag('invalid JSON body', req, got);
    }
  }
  if (got.status >= 400 && !ct.startsWith('application/json')) flag('non-JSON error body', req, got);
  try {
    // 431 comes from Node's HTTP parser for any URL over the header size limit; the spec cannot
    // list it on every operation, so only its body (the error schema) is judged.
    const status = got.status === 431 ? 400 : got.status;
    const problems = await specViolations({ method: req.method, path: req.path, status, headers: got.headers, body: parsed });
    if (problems.length) flag('spec violation', req, got, problems.join('; '));
  } catch (e) {
    flag('spec check crashed', req, got, String(e));
  }
  if (!got.headers.get('x-request-id')) flag('missing X-Request-Id', req, got);
  return got;
}

/** Sends the requests eight at a time. */
async function checkAll(base: string, requests: Sent[], legit503 = false): Promise<void> {
  const CONCURRENCY = 8;
  for (let i = 0; i < requests.length; i += CONCURRENCY) {
    await Promise.all(requests.slice(i, i + CONCURRENCY).map((r) => check(base, r, legit503)));
  }
}

// ---------------------------------------------------------------- hostile values
const deep = (n: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
};
const HOSTILE: Array<[string, unknown]> = [
  ['null', null],
  ['[]', []],
  ['[1,2]', [1, 2]],
  ['{}', {}],
  ['{x:1}', { x: 1 }],
  ['true', true],
  ['false', false],
  ['0', 0],
  ['-1', -1],
  ['1.5', 1.5],
  ['0.001', 0.001],
  ['499.999', 499.999],
  ['1e-7', 1e-7],
  ['5e-324', 5e-324],
  ['-0', -0],
  ['0.1+0.2', 0.1 + 0.2],
  ['999999.995', 999999.995],
  ['1000000', 1000000],
  ['1e308', 1e308],
  ['99999999999', 99999999999],
  ['-99999999999', -99999999999],
  ['2147483648', 2147483648],
  ['2**53 (first integer past the safe range)', 2 ** 53],
  ['"NaN"', 'NaN'],
  ['"Infinity"', 'Infinity'],
  ['"1e3"', '1e3'],
  ['"1"', '1'],
  ['"-0"', '-0'],
  ['"0x10"', '0x10'],
  ['""', ''],
  ['"   "', '   '],
  ['NUL', '\u0000'],
  ['a NUL b', 'abc\u0000def@example.com'],
  ['lone surrogate', 'ab\ud800cd'],
  ['lone low surrogate', '\udc00xyzxyzxyz'],
  ['long 100k', 'x'.repeat(100_000)],
  ['long 300', 'y'.repeat(300)],
  ['unicode', 'Ünïcødé 🎉 名前 \u202e'],
  ['sql', "'; DROP TABLE users; --"],
  ['like', '%_\\%'],
  ['deep 50', deep(50)],
  ['proto', JSON.parse('{"__proto__":{"polluted":1}}')],
  ['email-ish', 'a@b.c'],
  ['url', 'javascript:alert(1)'],
  ['http url nul', 'http://x.com/\u0000'],
  ['money-ish', '1495.005'],
  ['money big', '1000000.01'],
  ['status', 'shipped'],
];

const RAW_BODIES: Array<[string, string]> = [
  ['bare string', '"hello"'],
  ['bare number', '123'],
  ['bare array', '[]'],
  ['bare null', 'null'],
  ['bare true', 'true'],
  ['empty', ''],
  ['truncated', '{"a":'],
  ['trailing comma', '{"a":1,}'],
  ['deep arrays 5000', '['.repeat(5000) + ']'.repeat(5000)],
  ['deep objects 3000', '{"a":'.repeat(3000) + '1' + '}'.repeat(3000)],
  ['deep unclosed 100000', '['.repeat(100000)],
  ['nul in json string', '{"name":"a\\u0000b"}'],
  ['raw nul byte', '{"name":"a\u0000b"}'],
  ['lone surrogate escape', '{"name":"\\ud800"}'],
  ['invalid utf8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString('latin1')],
  ['dup keys', '{"a":1,"a":2}'],
  ['proto', '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}'],
  ['big number literal', '{"a":1e999}'],
  ['bom', '\ufeff{}'],
];

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/merge-patch+json',
  'APPLICATION/JSON',
  'application/json;;',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'garbage',
  'application/vnd.api+json',
];

const PATH_VALUES = [
  '0',
  '-1',
  '1e3',
  '1.5',
  '2147483648',
  '99999999999999999999',
  '%00',
  '%00.jpg',
  'abc',
  '%20',
  '%ZZ',
  '%E0%A4%A',
  '%ED%A0%80',
  'x'.repeat(5000),
  '1%2F2',
  '..',
  '.hidden.jpg',
  '%2e%2e',
  'a.jpg%00.png',
  '00001',
  '+1',
  '0x1',
  'null',
  encodeURIComponent('ü.jpg'),
];

const QUERY_VALUES = [
  '',
  '\u0000',
  '%00',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x'.repeat(300),
  'x'.repeat(20000),
  '-1',
  '0',
  '1e3',
  '1.5',
  '99999999999',
  '2147483648',
  'NaN',
  'Infinity',
  'null',
  'true',
  '[]',
  '%',
  '_',
  '\\',
  "'",
  'Ünï🎉',
  ' 5 ',
  '0500',
  '9999999.99',
];

type Auth = 'anon' | 'user' | 'staff' | 'userBearer';

/** Headers sent over a plain request; the auth, when given, replaces the operation's. */
const HEADER_VARIANTS: Array<[string, Record<string, string>, Auth?]> = [
  ['idem unicode', { 'idempotency-key': Buffer.from('ключ-🎉', 'utf8').toString('latin1') }],
  ['idem 10KB', { 'idempotency-key': 'k'.repeat(10_000) }],
  ['idem 255', { 'idempotency-key': 'k'.repeat(255) }],
  ['idem 256', { 'idempotency-key': 'k'.repeat(256) }],
  ['idem empty', { 'idempotency-key': '' }],
  ['idem spaces', { 'idempotency-key': '   ' }],
  ['idem high bytes', { 'idempotency-key': '\xff\xfe\x80' }],
  ['idem lone surrogate utf8 bytes', { 'idempotency-key': Buffer.from([0xed, 0xa0, 0x80]).toString('latin1') }],
  ['stripe-sig garbage', { 'stripe-signature': 't=abc,v1=zzz' }],
  ['stripe-sig huge', { 'stripe-signature': 't=1,v1=' + 'a'.repeat(5000) }],
  ['stripe-sig high', { 'stripe-signature': '\xff\xfe' }],
  ['inm garbage', { 'if-none-match': 'garbage,,,W/' }],
  ['inm 10KB', { 'if-none-match': '"' + 'a'.repeat(10_000) + '"' }],
  ['inm star', { 'if-none-match': '*' }],
  ['cookie garbage access', { cookie: 'access=garbage' }, 'anon'],
  ['cookie garbage refresh', { cookie: 'refresh=garbage; access=x.y.z' }, 'anon'],
  ['cookie malformed', { cookie: 'access=%E0%A4%A; refresh=%00' }, 'anon'],
  ['cookie high bytes', { cookie: 'access=\xff\xfe' }, 'anon'],
  ['cookie huge', { cookie: 'access=' + 'a'.repeat(12_000) }, 'anon'],
  ['cookie alg none', { cookie: 'access=eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIiwidHlwIjoiYWNjZXNzIn0.' }, 'anon'],
  ['bearer garbage', { authorization: 'Bearer garbage' }, 'anon'],
  ['bearer empty', { authorization: 'Bearer ' }, 'anon'],
  ['basic', { authorization: 'Basic Zm9vOmJhcg==' }, 'anon'],
  ['bearer high bytes', { authorization: 'Bearer \xff\xfe' }, 'anon'],
  ['origin null', { origin: 'null' }],
  ['origin evil', { origin: 'https://evil.example' }],
  ['origin high', { origin: '\xff' }],
  ['sec-fetch cross', { 'sec-fetch-site': 'cross-site', origin: '' }],
  ['host garbage', { host: 'evil.example:99999' }],
  ['host empty', { host: '' }],
  ['x-request-id weird', { 'x-request-id': '\xff'.repeat(10) }],
  ['x-forwarded-for garbage', { 'x-forwarded-for': 'garbage, ::::' }],
  ['accept weird', { accept: 'application/xml' }],
  ['expect 100', { expect: '100-continue' }],
  ['accept-encoding', { 'accept-encoding': 'gzip, br' }],
  ['content-encoding gzip bogus', { 'content-encoding': 'gzip' }],
  ['content-encoding unknown', { 'content-encoding': 'foo' }],
];

const UNKNOWN_PATHS = [
  '/',
  '/%00',
  '/api/%ED%A0%80/',
  '/api/products/%00/',
  '/x'.repeat(3000),
  '/api/products/1/?' + 'a=1&'.repeat(5000),
  '/media/%2e%2e%2fetc%2fpasswd',
  '/media/..%2f..%2fpackage.json',
];

// ---------------------------------------------------------------- JSON and URL helpers

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null;

/** A copy of obj with the value at pathKeys replaced. */
function setPath(obj: unknown, pathKeys: string[], value: unknown): unknown {
  const clone = structuredClone(obj);
  let cur = clone as JsonObject;
  for (const k of pathKeys.slice(0, -1)) cur = cur[k] as JsonObject;
  cur[pathKeys.at(-1)!] = value;
  return clone;
}

/** The key paths of every property of obj, nested ones included. */
function leafPaths(obj: unknown, prefix: string[] = []): string[][] {
  if (!isObject(obj)) return [prefix];
  const out: string[][] = prefix.length ? [prefix] : [];
  for (const [k, v] of Object.entries(obj)) out.push(...leafPaths(v, [...prefix, k]));
  return out;
}

/** encodeURIComponent that sends a lone surrogate as its (invalid) UTF-8 bytes instead of throwing. */
function enc(x: string): string {
  try {
    return encodeURIComponent(x);
  } catch {
    return encodeURIComponent(x.replace(/[\ud800-\udfff]/g, '')) + '%ED%A0%80';
  }
}

function qs(q: Record<string, string | string[]>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) for (const x of [v].flat()) parts.push(`${enc(k)}=${enc(x)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

interface FormPart {
  name: string;
  filename?: string;
  type?: string;
  data: string | Buffer;
}

function multipart(parts: FormPart[]): { boundary: string; data: Buffer } {
  const boundary = '----fuzz' + Math.random().toString(36).slice(2);
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const filename = part.filename !== undefined ? `; filename="${part.filename}"` : '';
    const type = part.type ? `Content-Type: ${part.type}\r\n` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\n${type}\r\n`));
    chunks.push(Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { boundary, data: Buffer.concat(chunks) };
}

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAAABJRU5ErkJggg==', 'base64');

// ---------------------------------------------------------------- the app under test and its fixtures

interface Fixtures {
  productId: number;
  cartItemId: number;
  wishlistItemId: number;
  addressId: number;
  orderId: number;
  sessionId: string;
  /** A customer of its own for the panel's user operations (blocked and deleted many times over). */
  panelUserId: number;
}

interface World {
  server: TestServer;
  base: string;
  withStripe: boolean;
  userEmail: string;
  authHeaders(auth: Auth, method: string): Record<string, string>;
  /** Fresh rows for the next operation (and fresh tokens: a fuzzed logout may have ended the session). */
  fixtures(): Promise<Fixtures>;
}

const STAFF_OPS = new Set([
  'createProduct',
  'replaceProduct',
  'updateProduct',
  'deleteProduct',
  'updateOrderStatus',
  'listAllOrders',
  'refundOrder',
  'listPanelUsers',
  'getPanelUser',
  'togglePanelUserBlock',
  'deletePanelUser',
  'getPanelDashboard',
  'getPanelReport',
  'listAuditLog',
]);
/** Operations that answer 502/503 by design when an integration is unconfigured or failing. */
const LEGIT_503 = new Set([
  'googleLogin',
  'createOrder',
  'verifyPayment',
  'stripeWebhook',
  'updateOrderStatus',
  'cancelOrder',
  'refundOrder',
  'getHealth',
]);

async function startWorld(withStripe: boolean, fake: FakeStripe | undefined): Promise<World> {
  // Limits no fuzzing run reaches, so that every login and registration gets to its handler (and
  // the concurrent registrations race each other) instead of being answered 429.
  const unthrottled = {
    THROTTLE_LOGIN: '1000000/1h',
    THROTTLE_REGISTER: '1000000/1h',
    THROTTLE_VERIFICATION: '1000000/1h',
    THROTTLE_PASSWORD_RESET: '1000000/1h',
  };
  const server = await startServer({ ...unthrottled, ...(fake ? stripeEnv(fake) : {}) });
  const base = server.url;
  const db = server.services.db;
  const staff = await makeUser(db, { is_staff: true });
  const user = await makeUser(db);
  const tokens: Record<Auth, string | undefined> = { anon: undefined, user: undefined, staff: undefined, userBearer: undefined };
  const authHeaders = (auth: Auth, method: string): Record<string, string> => {
    const h: Record<string, string> = {};
    if (auth === 'user' || auth === 'staff') h.cookie = `access=${tokens[auth]}`;
    if (auth === 'userBearer') h.authorization = `Bearer ${tokens.userBearer}`;
    if (method !== 'GET') h.origin = ORIGIN;
    return h;
  };

  async function fixtures(): Promise<Fixtures> {
    tokens.user = await accessTokenFor(server, user);
    tokens.staff = await accessTokenFor(server, staff);
    tokens.userBearer = await accessTokenFor(server, user);
    const product = await makeProduct(db, { stock: 1000 });
    const panelUser = await makeUser(db);
    const other = await makeProduct(db, { stock: 1000 });
    type Row = Array<{ id: number }>;
    const [cart] = await db('carts').insert({ user_id: user.id }).onConflict('user_id').merge({ user_id: user.id }).returning<Row>('id');
    const [wishlist] = await db('wishlists')
      .insert({ user_id: user.id })
      .onConflict('user_id')
      .merge({ user_id: user.id })
      .returning<Row>('id');
    const [wishlistItem] = await db('wishlist_items')
      .insert({ wishlist_id: wishlist!.id, product_id: other.id })
      .onConflict(['wishlist_id', 'product_id'])
      .merge({ product_id: other.id })
      .returning<Row>('id');
    const [address] = await db('addresses')
      .insert({ user_id: user.id, full_name: 'Asha Rao', phone: '9876543210', street: '12 MG Road', city: 'Bengaluru', pincode: '560038' })
      .returning<Row>('id');
    const res = await send(base, {
      label: 'fixture order',
      method: 'POST',
      path: '/api/orders/create/',
      headers: { ...authHeaders('user', 'POST'), 'content-type': 'application/json' },
      body: JSON.stringify({
        payment_method: withStripe ? 'stripe' : 'cod',
        cart: [{ id: product.id, quantity: 1 }],
        address_id: address!.id,
      }),
    });
    let orderId = 1;
    if (res.status === 200) orderId = (JSON.parse(res.text) as { order_id?: number }).order_id ?? 1;
    else console.error('fixture order failed', res.status, res.text);
    const order = (await db('orders').where({ id: orderId }).first()) as { stripe_session_id: string | null } | undefined;
    // A cart line, put in after the order (which empties the cart).
    const [item] = await db('cart_items')
      .insert({ cart_id: cart!.id, product_id: product.id, quantity: 1 })
      .onConflict(['cart_id', 'product_id'])
      .merge({ quantity: 1 })
      .returning<Row>('id');
    return {
      productId: product.id,
      cartItemId: item!.id,
      wishlistItemId: wishlistItem!.id,
      addressId: address!.id,
      orderId,
      sessionId: order?.stripe_session_id ?? 'cs_test_nothing',
      panelUserId: panelUser.id,
    };
  }

  return { server, base, withStripe, userEmail: user.email, authHeaders, fixtures };
}

/** A well-formed body for each operation that takes one: the generators spoil it one way at a time. */
function validBody(operationId: string, fx: Fixtures, world: World): JsonObject | undefined {
  const email = `fuzz${Math.random().toString(36).slice(2)}@example.com`;
  switch (operationId) {
    case 'register':
      return { email, password: 'correct-horse-battery', first_name: 'A', last_name: 'B' };
    case 'login':
    case 'obtainTokens':
      return { email: world.userEmail, password: 'whatever-password' };
    case 'refreshSession':
    case 'refreshTokens':
    case 'logout':
      return { refresh: 'x.y.z' };
    case 'googleLogin':
      return { id_token: 'x.y.z' };
    case 'verifyEmail':
      return { token: 'abc' };
    case 'requestPasswordReset':
      return { email };
    case 'confirmPasswordReset':
      return { token: 'abc', password: 'correct-horse-battery' };
    case 'createProduct':
    case 'replaceProduct':
      return {
        name: 'Fuzz Tee',
        price: '499.00',
        category: 'men',
        description: 'A fuzzed cotton tee.',
        stock: 5,
        image: 'https://example.com/a.jpg',
      };
    case 'updateProduct':
      return { name: 'Fuzz Tee 2', price: 10, category: 'women', description: 'Another fuzzed tee.', stock: 3, image: null };
    case 'addToCart':
      return { product_id: fx.productId, quantity: 1 };
    case 'updateCartItem':
      return { quantity: 2 };
    case 'addToWishlist':
      return { product_id: fx.productId };
    case 'createAddress':
    case 'updateAddress':
      return { full_name: 'Asha Rao', phone: '9876543210', street: '12 MG Road', city: 'Bengaluru', pincode: '560038' };
    case 'createOrder':
      return {
        payment_method: 'cod',
        cart: [{ id: fx.productId, name: 'x', price: '499.00', quantity: 1 }],
        address: { full_name: 'Asha Rao', phone: '9876543210', street: '12 MG Road', city: 'Bengaluru', pincode: '560038' },
      };
    case 'updateOrderStatus':
      return { status: 'cancelled' };
    case 'refundOrder':
      return { reason: 'requested_by_customer' };
    case 'stripeWebhook':
      return { id: 'evt_1', type: 'checkout.session.completed', data: { object: { object: 'checkout.session', id: fx.sessionId } } };
    default:
      return undefined;
  }
}

/** One operation as the generators see it: where it is, what it takes, and request builders. */
interface Target {
  id: string;
  method: string;
  /** The path template, e.g. /api/products/{id}/. */
  template: string;
  queryParameters: string[];
  auth: Auth;
  fx: Fixtures;
  /** A valid body when the operation takes one. */
  body: JsonObject | undefined;
  /** The operation's path with the fixtures' ids (or the overrides) filled in. */
  path(override?: Record<string, string>): string;
  /** The query every request needs (verifyPayment's session_id), plus the given parameters. */
  query(extra?: Record<string, string | string[]>): string;
  headers(auth?: Auth, method?: string): Record<string, string>;
  /** A request with a JSON body. */
  json(label: string, payload: unknown, extra?: Record<string, string>): Sent;
  /** A request as the operation expects it (its valid body, if any), with extra headers. */
  plain(label: string, extra?: Record<string, string>, auth?: Auth, path?: string): Sent;
  /** A request with a body of this media type (none: no Content-Type header). */
  raw(label: string, contentType: string | undefined, body: Buffer, path?: string): Sent;
}

function targetFor(op: SpecOperation, fx: Fixtures, world: World): Target {
  const id = op.operationId;
  const method = op.method;
  const auth: Auth = STAFF_OPS.has(id) ? 'staff' : 'user';
  const body = op.requestBody ? validBody(id, fx, world) : undefined;
  const baseQuery: Record<string, string> = id === 'verifyPayment' ? { session_id: fx.sessionId } : {};
  const path = (override?: Record<string, string>) =>
    op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (override?.[name] !== undefined) return override[name];
      if (name === 'filename') return 'missing.jpg';
      if (name === 'item_id') return String(id.includes('Wishlist') ? fx.wishlistItemId : fx.cartItemId);
      if (id.includes('PanelUser')) return String(fx.panelUserId);
      if (id.includes('Address')) return String(fx.addressId);
      if (id.includes('Order')) return String(fx.orderId);
      return String(fx.productId);
    });
  const query = (extra: Record<string, string | string[]> = {}) => qs({ ...baseQuery, ...extra });
  const headers = (a: Auth = auth, m: string = method) => world.authHeaders(a, m);
  return {
    id,
    method,
    template: op.path,
    queryParameters: op.parameters.filter((p) => p.in === 'query').map((p) => p.name),
    auth,
    fx,
    body,
    path,
    query,
    headers,
    json: (label, payload, extra = {}) => ({
      label,
      method,
      path: path() + query(),
      headers: { ...headers(), 'content-type': 'application/json', ...extra },
      body: payload === undefined ? undefined : Buffer.from(JSON.stringify(payload), 'utf8'),
    }),
    plain: (label, extra = {}, a = auth, p = path() + query()) => ({
      label,
      method,
      path: p,
      headers: { ...headers(a), ...extra },
      ...(body
        ? { body: Buffer.from(JSON.stringify(body)), headers: { ...headers(a), 'content-type': 'application/json', ...extra } }
        : {}),
    }),
    raw: (label, contentType, data, p = path() + query()) => ({
      label,
      method,
      path: p,
      headers: { ...headers(), ...(contentType === undefined ? {} : { 'content-type': contentType }) },
      body: data,
    }),
  };
}

// ---------------------------------------------------------------- generators, one per kind of hostile input

type Generator = (t: Target) => Sent[];

/** The valid request with each kind of credentials. */
const baselines: Generator = (t) => (['anon', 'user', 'staff', 'userBearer'] as const).map((a) => t.plain(`baseline ${a}`, {}, a));

/** Every hostile value at every property of the body, as the whole body, and unknown properties. */
const bodyProperties: Generator = (t) => {
  if (!t.body) return [];
  const requests: Sent[] = [];
  for (const leaf of leafPaths(t.body)) {
    for (const [name, value] of HOSTILE) requests.push(t.json(`body ${leaf.join('.')}=${name}`, setPath(t.body, leaf, value)));
  }
  for (const [name, value] of HOSTILE) requests.push(t.json(`whole body = ${name}`, value));
  requests.push(t.json('extra prop', { ...t.body, zzz: 1 }));
  requests.push(t.json('extra prop nul key', { ...t.body, ['a\u0000b']: 1 }));
  requests.push(t.json('nul key only', { ['\u0000']: 'x' }));
  return requests;
};

/** Bodies that are not the JSON they claim to be: truncated, nested thousands deep, invalid UTF-8. */
const malformedJson: Generator = (t) =>
  t.body
    ? RAW_BODIES.map(([name, raw]) =>
        t.raw(`raw ${name}`, 'application/json', Buffer.from(raw, name === 'invalid utf8' ? 'latin1' : 'utf8')),
      )
    : [];

/** The valid body under other media types, none, an empty one, and one over the size limit. */
const mediaTypes: Generator = (t) => {
  if (!t.body) return [];
  const json = Buffer.from(JSON.stringify(t.body));
  return [
    ...CONTENT_TYPES.map((ct) => t.raw(`content-type ${ct}`, ct, json)),
    t.raw('json no content-type', undefined, json),
    {
      label: 'empty body json ct',
      method: t.method,
      path: t.path() + t.query(),
      headers: { ...t.headers(), 'content-type': 'application/json', 'content-length': '0' },
    },
    t.raw('1.5MB body', 'application/json', Buffer.from(JSON.stringify({ ...t.body, pad: 'x'.repeat(1_500_000) }))),
  ];
};

/** Multipart forms: files where fields belong and the reverse, odd files, duplicate and unknown fields. */
const multipartForms: Generator = (t) => {
  if (!t.body) return [];
  const fields: FormPart[] = Object.entries(t.body)
    .filter(([k, v]) => k !== 'image' && v !== null && typeof v !== 'object')
    .map(([k, v]) => ({ name: k, data: String(v as string | number | boolean) }));
  const without = (name: string) => fields.filter((f) => f.name !== name);
  const image = (filename = 'a.png', data: string | Buffer = PNG, type = 'image/png'): FormPart => ({
    name: 'image',
    filename,
    type,
    data,
  });
  const variants: Array<[string, FormPart[]]> = [
    ['fields only', fields],
    ['fields + file', [...fields, image()]],
    ['two files', [...fields, image(), image('b.png')]],
    ['file wrong field', [...fields, { ...image(), name: 'picture' }]],
    ['file as name field', [...without('name'), { ...image(), name: 'name' }]],
    ['empty file', [...fields, image('a.png', Buffer.alloc(0))]],
    ['text file', [...fields, image('a.txt', 'hello', 'text/plain')]],
    ['image url field', [...fields, { name: 'image', data: 'https://example.com/x.png' }]],
    ['image nul field', [...fields, { name: 'image', data: 'https://example.com/\u0000.png' }]],
    ['dup fields', [...fields, ...fields]],
    ['nul in field', fields.map((f) => ({ ...f, data: `${String(f.data)}\u0000` }))],
    [
      'surrogate-ish invalid utf8 field',
      fields.map((f) => ({ ...f, data: Buffer.concat([Buffer.from(f.data), Buffer.from([0xed, 0xa0, 0x80])]) })),
    ],
    ['stock huge', [...without('stock'), { name: 'stock', data: '99999999999' }]],
    ['stock float', [...without('stock'), { name: 'stock', data: '1.5' }]],
    ['price 1e3', [...without('price'), { name: 'price', data: '1e3' }]],
    ['no fields', []],
    ['weird filename', [...fields, image('../../etc/passwd\u0000.png')]],
    ['60 fields', Array.from({ length: 60 }, (_, i) => ({ name: `f${i}`, data: 'x' }))],
    ['unknown field', [...fields, { name: 'zzz', data: '1' }]],
    ['__proto__ field', [...fields, { name: '__proto__', data: '1' }]],
    ['constructor field', [...fields, { name: 'constructor', data: '1' }]],
  ];
  return [
    ...variants.map(([label, parts]) => {
      const { boundary, data } = multipart(parts);
      return t.raw(`multipart ${label}`, `multipart/form-data; boundary=${boundary}`, data);
    }),
    t.raw(
      'multipart broken',
      'multipart/form-data; boundary=abc',
      Buffer.from('--abc\r\nContent-Disposition: form-data; name="x"\r\n\r\nunterminated'),
      t.path(),
    ),
  ];
};

/** A body sent to an operation that takes none. */
const bodiesWhereNoneBelongs: Generator = (t) =>
  t.body
    ? []
    : [
        t.json('body on bodyless op', { a: 1 }),
        t.raw('garbage body on bodyless op', 'application/json', Buffer.from('{{{{'), t.path()),
        t.raw('text body on bodyless op', 'text/plain', Buffer.from('hi'), t.path()),
      ];

/** Ids and file names that are not ids or file names: huge, negative, encoded NULs, dot segments. */
const pathParameters: Generator = (t) => {
  const name = /\{(\w+)\}/.exec(t.template)?.[1];
  if (!name) return [];
  return PATH_VALUES.map((value) => t.plain(`path ${name}=${value.slice(0, 20)}`, {}, t.auth, t.path({ [name]: value }) + t.query()));
};

/** Each query parameter with hostile values, repeated, bracketed, badly encoded; unknown and many parameters. */
const queryParameters: Generator = (t) => {
  const requests: Sent[] = [];
  const at = (label: string, query: string) => requests.push(t.plain(label, {}, t.auth, t.path() + query));
  const sessionId = t.id === 'verifyPayment' ? `&session_id=${t.fx.sessionId}` : '';
  for (const name of t.queryParameters) {
    for (const value of QUERY_VALUES) at(`query ${name}=${JSON.stringify(value).slice(0, 20)}`, t.query({ [name]: value }));
    at(`query dup ${name}`, t.query({ [name]: ['1', '2'] }));
    at(`query dup2 ${name}`, t.query({ [name]: ['men', 'women'] }));
    at(`query bracket ${name}`, `?${name}[a]=1&${name}[]=2`);
    at(`query raw invalid pct ${name}`, `?${name}=%E0%A4%A&${name === 'session_id' ? '' : `session_id=${t.fx.sessionId}`}`);
    at(`query raw lone surrogate utf8 ${name}`, `?${name}=%ED%A0%80${name === 'session_id' ? '' : `&session_id=${t.fx.sessionId}`}`);
  }
  at('unknown query param', t.query({ zzz: '\u0000' }));
  at('__proto__ query', `?__proto__[x]=1&constructor=1${sessionId}`);
  at('200 query params', '?' + Array.from({ length: 200 }, (_, i) => `p${i}=1`).join('&'));
  return requests;
};

/**
 * Requests whose size or shape makes the server work hard: bodies of many keys (validation reports
 * them; it must stay linear and capped), values nested thousands deep or holding long arrays in
 * place of each property, and many, repeated or long query parameters.
 */
const sizeAndShape: Generator = (t) => {
  const requests: Sent[] = [];
  const manyKeys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));
  if (t.body) {
    requests.push(t.json('body + 25 unknown keys', { ...t.body, ...manyKeys(25) }));
    requests.push(t.json('body + 20,000 unknown keys', { ...t.body, ...manyKeys(20_000) }));
    requests.push(t.json('90,000 unknown keys (just under 1 MiB)', manyKeys(90_000)));
    // Written as text: JSON.stringify itself runs out of stack this deep.
    requests.push(
      t.raw('whole body nested 10,000 deep', 'application/json', Buffer.from('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000))),
    );
    for (const leaf of leafPaths(t.body)) {
      const at = leaf.join('.');
      requests.push(t.json(`body ${at}=object of 5,000 keys`, setPath(t.body, leaf, manyKeys(5_000))));
      requests.push(t.json(`body ${at}=nested 2,000 deep`, setPath(t.body, leaf, deep(2_000))));
      requests.push(
        t.json(
          `body ${at}=array of 10,000`,
          setPath(
            t.body,
            leaf,
            Array.from({ length: 10_000 }, (_, i) => i),
          ),
        ),
      );
    }
  }
  const at = (label: string, query: string) => requests.push(t.plain(label, {}, t.auth, t.path() + query));
  const sessionId = t.id === 'verifyPayment' ? `&session_id=${t.fx.sessionId}` : '';
  at('1,000 unknown query params', '?' + Array.from({ length: 1_000 }, (_, i) => `q${i}=${i}`).join('&') + sessionId);
  at('one unknown query param 1,000 times', '?' + Array.from({ length: 1_000 }, () => 'zzz=1').join('&') + sessionId);
  at('a 15 KB query value', `?zzz=${'x'.repeat(15_000)}${sessionId}`);
  for (const name of t.queryParameters) {
    at(
      `query ${name} 1,000 times`,
      '?' + Array.from({ length: 1_000 }, (_, i) => `${name}=${i}`).join('&') + (name === 'session_id' ? '' : sessionId),
    );
  }
  return requests;
};

/** Garbage idempotency keys, signatures, validators, cookies, credentials, origins and hosts. */
const headers: Generator = (t) =>
  HEADER_VARIANTS.map(([label, h, a]) => {
    const r = t.plain(`header ${label}`, {}, a ?? t.auth);
    const merged = { ...r.headers, ...h };
    if (h.cookie && r.headers.cookie) merged.cookie = h.cookie;
    if (merged.origin === '') delete merged.origin;
    return { ...r, headers: merged };
  });

/** Every other method, and the path with its slash, case or encoding changed. */
const methodsAndPathShapes: Generator = (t) => [
  ...['PUT', 'PATCH', 'DELETE', 'POST', 'GET', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND'].map((m) => ({
    label: `method ${m}`,
    method: m,
    path: t.path(),
    headers: t.headers(t.auth, m),
  })),
  t.plain('no trailing slash', {}, t.auth, t.path().replace(/\/$/, '')),
  t.plain('double slash', {}, t.auth, t.path().replace(/^\//, '//')),
  t.plain('upper path', {}, t.auth, t.path().toUpperCase()),
  t.plain('encoded slash', {}, t.auth, t.path().replace(/\/$/, '%2F')),
  t.plain('dot segment', {}, t.auth, t.path() + '../'),
];

const PER_OPERATION: Generator[] = [
  baselines,
  bodyProperties,
  malformedJson,
  mediaTypes,
  multipartForms,
  bodiesWhereNoneBelongs,
  pathParameters,
  queryParameters,
  sizeAndShape,
  headers,
  methodsAndPathShapes,
];

/** Paths no operation has, some of them trying to leave the media directory. */
function unknownPaths(): Sent[] {
  return UNKNOWN_PATHS.map((p) => ({ label: `unknown path ${p.slice(0, 30)}`, method: 'GET', path: p, headers: {} }));
}

/** Concurrent writes on the same rows: carts, orders with one idempotency key, scarce stock, one email. */
async function concurrentWrites(world: World): Promise<void> {
  const fx = await world.fixtures();
  const db = world.server.services.db;
  const jh = (a: Auth, m: string) => ({ ...world.authHeaders(a, m), 'content-type': 'application/json' });
  const times = (n: number, request: () => Sent) => Array.from({ length: n }, request);
  const conc = async (label: string, reqs: Sent[], legit = false) => {
    const res = await Promise.all(reqs.map((r) => check(world.base, r, legit)));
    const counts: Record<number, number> = {};
    for (const r of res) counts[r.status] = (counts[r.status] ?? 0) + 1;
    console.log(`concurrency ${label}: ${JSON.stringify(counts)}`);
  };
  const post = (label: string, path: string, body: unknown, auth: Auth = 'user', extra: Record<string, string> = {}): Sent => ({
    label,
    method: 'POST',
    path,
    headers: { ...jh(auth, 'POST'), ...extra },
    body: JSON.stringify(body),
  });
  const orderBody = (productId: number) => ({ payment_method: 'cod', cart: [{ id: productId, quantity: 1 }], address_id: fx.addressId });

  await conc(
    'addToCart x20',
    times(20, () => post('conc add', '/api/cart/add/', { product_id: fx.productId, quantity: 5 })),
  );
  await conc(
    'addToWishlist x20',
    times(20, () => post('conc wl', '/api/cart/wishlist/add/', { product_id: fx.productId })),
  );
  const scarce = await makeProduct(db, { stock: 3 });
  await conc(
    'createOrder same key x15',
    times(15, () => post('conc order key', '/api/orders/create/', orderBody(scarce.id), 'user', { 'idempotency-key': 'same-key-1' })),
  );
  await conc(
    'createOrder scarce x15',
    times(15, () => post('conc order', '/api/orders/create/', orderBody(scarce.id))),
  );
  const stock = (await db('products').where({ id: scarce.id }).first()) as { stock: number };
  console.log('scarce stock after:', stock.stock);
  const email = `race${Date.now()}@example.com`;
  await conc(
    'register same email x15',
    times(15, () => post('conc register', '/api/auth/register/', { email, password: 'correct-horse-battery' }, 'anon')),
  );
  await conc(
    'createProduct same name x15',
    times(15, () =>
      post(
        'conc product',
        '/api/products/create/',
        { name: 'Race Tee', price: '1.00', category: 'men', description: 'Same name race tee' },
        'staff',
      ),
    ),
  );
  await conc('updateCartItem + removeCartItem', [
    ...times(8, () => ({
      label: 'conc upd',
      method: 'PATCH',
      path: `/api/cart/update/${fx.cartItemId}/`,
      headers: jh('user', 'PATCH'),
      body: JSON.stringify({ quantity: 2 }),
    })),
    ...times(8, () => ({
      label: 'conc rm',
      method: 'DELETE',
      path: `/api/cart/remove/${fx.cartItemId}/`,
      headers: world.authHeaders('user', 'DELETE'),
    })),
  ]);
  await conc('delete product while carting', [
    ...times(8, () => post('conc add2', '/api/cart/add/', { product_id: fx.productId, quantity: 1 })),
    ...times(4, () => ({
      label: 'conc del product',
      method: 'DELETE',
      path: `/api/products/${fx.productId}/`,
      headers: world.authHeaders('staff', 'DELETE'),
    })),
    ...times(4, () => post('conc order deleted', '/api/orders/create/', { payment_method: 'cod', address_id: fx.addressId })),
  ]);
  await conc(
    'status updates x12',
    Array.from({ length: 12 }, (_, i) => ({
      label: 'conc status',
      method: 'PATCH',
      path: `/api/orders/${fx.orderId}/status/`,
      headers: jh('staff', 'PATCH'),
      body: JSON.stringify({ status: ['shipped', 'cancelled', 'delivered'][i % 3] }),
    })),
    true,
  );
  await conc('address delete + order', [
    ...times(6, () => ({
      label: 'conc addr del',
      method: 'DELETE',
      path: `/api/orders/addresses/${fx.addressId}/`,
      headers: world.authHeaders('user', 'DELETE'),
    })),
    ...times(6, () => ({
      label: 'conc addr patch',
      method: 'PATCH',
      path: `/api/orders/addresses/${fx.addressId}/`,
      headers: jh('user', 'PATCH'),
      body: JSON.stringify({ city: 'Mumbai' }),
    })),
  ]);
}

/** Correctly signed Stripe events with every hostile value at every property. */
function signedWebhookEvents(fx: Fixtures): Sent[] {
  const session = {
    object: 'checkout.session',
    id: fx.sessionId,
    payment_status: 'paid',
    amount_total: 49900,
    currency: 'inr',
    metadata: { order_id: String(fx.orderId) },
  };
  const event = { id: 'evt_fuzz', object: 'event', type: 'checkout.session.completed', data: { object: session } };
  const requests: Sent[] = [];
  let n = 0;
  for (const leaf of leafPaths(event)) {
    for (const [, value] of HOSTILE) {
      const variant = setPath(event, leaf, value);
      // Each event its own id, so that no variant is skipped as a replay of another.
      const payload = JSON.stringify(isObject(variant) && variant.id === 'evt_fuzz' ? { ...variant, id: `evt_fuzz_${n++}` } : variant);
      requests.push({
        label: `signed webhook ${payload.slice(0, 120)}`,
        method: 'POST',
        path: '/api/orders/webhook/',
        headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(payload) },
        body: payload,
      });
    }
  }
  return requests;
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const withStripe = process.env.FUZZ_STRIPE === '1';
  const fake = withStripe ? await FakeStripe.start() : undefined;
  const world = await startWorld(withStripe, fake);
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);

  for (const op of world.server.app.api.operations) {
    const target = targetFor(op, await world.fixtures(), world);
    const batch = PER_OPERATION.flatMap((generate) => generate(target));
    await checkAll(world.base, batch, LEGIT_503.has(target.id));
    console.log(`${target.id.padEnd(22)} ${String(batch.length).padStart(5)} requests  (${seconds()}s)`);
  }
  for (const request of unknownPaths()) await check(world.base, request);
  await concurrentWrites(world);
  if (withStripe) {
    const events = signedWebhookEvents(await world.fixtures());
    for (const request of events) await check(world.base, request, true);
    console.log(`signed webhook variants: ${events.length}`);
  }

  console.log(`\nTOTAL requests: ${total} in ${seconds()}s`);
  console.log('status counts:', JSON.stringify(Object.fromEntries([...statusCounts].sort((a, b) => a[0] - b[0]))));
  for (const [k, v] of legitCounts) console.log(`  5xx ${v}x ${k}`);
  console.log(`\nFINDINGS (${findings.size} distinct):`);
  for (const [key, { count, example }] of [...findings].sort()) console.log(`\n[${count}x] ${key}\n  e.g. ${example}`);
  await world.server.close();
  await fake?.close();
  agent.destroy();
  await dropTestDatabase();
  return findings.size;
}

main().then(
  (found) => process.exit(found ? 1 : 0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
