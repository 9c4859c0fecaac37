// `npm run fuzz`: sends every operation of openapi.yaml thousands of hostile variants (wrong JSON
// types at every property, NUL bytes, unpaired surrogates, huge numbers and strings, malformed and
// deeply nested JSON, odd media types and multipart forms, bad path and query parameters, garbage
// headers and cookies, wrong methods) plus a few concurrent writes, and reports every answer that
// is a 5xx (other than the documented 503 of an unconfigured integration), not JSON in the error
// schema, or not allowed by openapi.yaml. Runs the app in-process on loopback against a throwaway
// database (PostgreSQL when DATABASE_URL is set, else in-memory PGlite), ~8,000 requests in about
// 20 s. `FUZZ_STRIPE=1` also configures Stripe (a local fake) and sends signed hostile webhook
// events. Exits 1 when anything was found.
import http from 'node:http';
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

function send(base: string, req: Sent): Promise<Got> {
  const url = new URL(base);
  if (req.body !== undefined && !Object.keys(req.headers).some((k) => k.toLowerCase() === 'content-length')) {
    req = { ...req, headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) } };
  }
  return new Promise((resolve) => {
    const r = http.request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers: req.headers, agent, insecureHTTPParser: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
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
    r.on('error', (e) => resolve({ status: -1, headers: new Headers(), text: `CLIENT ERROR ${e.message}` }));
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

const findings = new Map<string, { count: number; example: string }>();
let total = 0;
const statusCounts = new Map<number, number>();
const legitCounts = new Map<string, number>();

function flag(kind: string, req: Sent, got: Got, extra = '') {
  const key = `${kind} | ${req.method} ${req.path.split('?')[0]!.replace(/\/\d+\//g, '/N/')} | ${got.status}`;
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

async function check(base: string, req: Sent, legit503 = false): Promise<Got> {
  const got = await send(base, req);
  total++;
  statusCounts.set(got.status, (statusCounts.get(got.status) ?? 0) + 1);
  if (got.status === 503 || got.status === 502) {
    const k = `${got.status} ${req.method} ${req.path.split('?')[0]!.replace(/\/\d+\//g, '/N/')} ${got.text.slice(0, 90)}`;
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
  ['9007199254740993', 9007199254740993],
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

// ---------------------------------------------------------------- fixtures and base requests
interface Fixtures {
  productId: number;
  cartItemId: number;
  wishlistItemId: number;
  addressId: number;
  orderId: number;
  sessionId: string;
}

type Auth = 'anon' | 'user' | 'staff' | 'userBearer';

async function main() {
  const withStripe = process.env.FUZZ_STRIPE === '1';
  const fake = withStripe ? await FakeStripe.start() : undefined;
  const server: TestServer = await startServer(fake ? stripeEnv(fake) : {});
  const base = server.url;
  const db = server.services.db;
  const staff = await makeUser(db, { is_staff: true });
  const user = await makeUser(db);
  const tokens: Record<Auth, string | undefined> = {
    anon: undefined,
    user: await accessTokenFor(server, user),
    staff: await accessTokenFor(server, staff),
    userBearer: await accessTokenFor(server, user),
  };
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
    const other = await makeProduct(db, { stock: 1000 });
    const [cart] = await db('carts').insert({ user_id: user.id }).onConflict('user_id').merge({ user_id: user.id }).returning('id');
    const [wl] = await db('wishlists').insert({ user_id: user.id }).onConflict('user_id').merge({ user_id: user.id }).returning('id');
    const [witem] = await db('wishlist_items')
      .insert({ wishlist_id: wl.id, product_id: other.id })
      .onConflict(['wishlist_id', 'product_id'])
      .merge({ product_id: other.id })
      .returning('id');
    const [address] = await db('addresses')
      .insert({ user_id: user.id, full_name: 'Asha Rao', phone: '9876543210', street: '12 MG Road', city: 'Bengaluru', pincode: '560038' })
      .returning('id');
    const res = await send(base, {
      label: 'fixture order',
      method: 'POST',
      path: '/api/orders/create/',
      headers: { ...authHeaders('user', 'POST'), 'content-type': 'application/json' },
      body: JSON.stringify({
        payment_method: withStripe ? 'stripe' : 'cod',
        cart: [{ id: product.id, quantity: 1 }],
        address_id: address.id,
      }),
    });
    let orderId = 1;
    try {
      orderId = JSON.parse(res.text).order_id ?? 1;
    } catch {}
    if (res.status !== 200) console.error('fixture order failed', res.status, res.text);
    const order = await db('orders').where({ id: orderId }).first();
    // A cart line, put in after the order (which empties the cart).
    const [item] = await db('cart_items')
      .insert({ cart_id: cart.id, product_id: product.id, quantity: 1 })
      .onConflict(['cart_id', 'product_id'])
      .merge({ quantity: 1 })
      .returning('id');
    return {
      productId: product.id,
      cartItemId: item.id,
      wishlistItemId: witem.id,
      addressId: address.id,
      orderId,
      sessionId: order?.stripe_session_id ?? 'cs_test_nothing',
    };
  }

  const ops = server.app.api.router.getOperations();
  const STAFF_OPS = new Set(['createProduct', 'replaceProduct', 'updateProduct', 'deleteProduct', 'updateOrderStatus']);
  const LEGIT_503 = new Set(['googleLogin', 'createOrder', 'verifyPayment', 'stripeWebhook', 'updateOrderStatus', 'getHealth']);

  const baseBody = (op: string, fx: Fixtures): Record<string, unknown> | undefined => {
    const email = `fuzz${Math.random().toString(36).slice(2)}@example.com`;
    switch (op) {
      case 'register':
        return { email, password: 'correct-horse-battery', first_name: 'A', last_name: 'B' };
      case 'login':
        return { email: user.email, password: 'whatever-password' };
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
      case 'stripeWebhook':
        return { id: 'evt_1', type: 'checkout.session.completed', data: { object: { object: 'checkout.session', id: fx.sessionId } } };
      default:
        return undefined;
    }
  };

  const pathFor = (op: { path: string; operationId?: string }, fx: Fixtures, override?: Record<string, string>) =>
    op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (override?.[name] !== undefined) return override[name]!;
      const id = op.operationId!;
      if (name === 'filename') return 'missing.jpg';
      if (name === 'item_id') return String(id.includes('Wishlist') ? fx.wishlistItemId : fx.cartItemId);
      if (id.includes('Address')) return String(fx.addressId);
      if (id.includes('Order')) return String(fx.orderId);
      return String(fx.productId);
    });

  const queryBase = (op: string, fx: Fixtures): Record<string, string> => {
    if (op === 'verifyPayment') return { session_id: fx.sessionId };
    return {};
  };
  const enc = (x: string) => {
    try {
      return encodeURIComponent(x);
    } catch {
      return encodeURIComponent(x.replace(/[\ud800-\udfff]/g, '')) + '%ED%A0%80';
    }
  };
  const qs = (q: Record<string, string | string[]>) => {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(q)) for (const x of [v].flat()) parts.push(`${enc(k)}=${enc(x)}`);
    return parts.length ? `?${parts.join('&')}` : '';
  };

  const setPath = (obj: any, pathKeys: string[], value: unknown) => {
    const clone = structuredClone(obj);
    let cur = clone;
    for (const k of pathKeys.slice(0, -1)) cur = cur[k];
    cur[pathKeys.at(-1)!] = value;
    return clone;
  };
  const leafPaths = (obj: unknown, prefix: string[] = []): string[][] => {
    if (!obj || typeof obj !== 'object') return [prefix];
    const out: string[][] = prefix.length ? [prefix] : [];
    for (const [k, v] of Object.entries(obj)) out.push(...leafPaths(v, [...prefix, k]));
    return out;
  };

  const started = Date.now();
  for (const op of ops) {
    const id = op.operationId!;
    const method = op.method.toUpperCase();
    const fx = await fixtures();
    const auth: Auth = STAFF_OPS.has(id) ? 'staff' : 'user';
    const legit = LEGIT_503.has(id);
    const body = baseBody(id, fx);
    const hasBody = Boolean(op.requestBody);
    const jsonReq = (label: string, payload: unknown, extra: Record<string, string> = {}, a: Auth = auth, p?: string): Sent => ({
      label,
      method,
      path: p ?? pathFor(op, fx) + qs(queryBase(id, fx)),
      headers: { ...authHeaders(a, method), 'content-type': 'application/json', ...extra },
      body: payload === undefined ? undefined : Buffer.from(JSON.stringify(payload), 'utf8'),
    });
    const plain = (label: string, extra: Record<string, string> = {}, a: Auth = auth, p?: string): Sent => ({
      label,
      method,
      path: p ?? pathFor(op, fx) + qs(queryBase(id, fx)),
      headers: { ...authHeaders(a, method), ...extra },
      ...(hasBody && body
        ? { body: Buffer.from(JSON.stringify(body)), headers: { ...authHeaders(a, method), 'content-type': 'application/json', ...extra } }
        : {}),
    });
    const batch: Sent[] = [];

    // baseline with each auth
    for (const a of ['anon', 'user', 'staff', 'userBearer'] as Auth[]) batch.push(plain(`baseline ${a}`, {}, a));

    // body property mutations
    if (hasBody && body) {
      for (const leaf of leafPaths(body)) {
        for (const [name, value] of HOSTILE) batch.push(jsonReq(`body ${leaf.join('.')}=${name}`, setPath(body, leaf, value)));
        // extra unknown property
      }
      for (const [name, value] of HOSTILE) batch.push(jsonReq(`whole body = ${name}`, value));
      batch.push(jsonReq('extra prop', { ...body, zzz: 1 }));
      batch.push(jsonReq('extra prop nul key', { ...body, ['a\u0000b']: 1 }));
      batch.push(jsonReq('nul key only', { ['\u0000']: 'x' }));
      for (const [name, raw] of RAW_BODIES)
        batch.push({
          label: `raw ${name}`,
          method,
          path: pathFor(op, fx) + qs(queryBase(id, fx)),
          headers: { ...authHeaders(auth, method), 'content-type': 'application/json' },
          body: Buffer.from(raw, name === 'invalid utf8' ? 'latin1' : 'utf8'),
        });
      // odd content types
      for (const ct of [
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
      ])
        batch.push({
          label: `content-type ${ct}`,
          method,
          path: pathFor(op, fx) + qs(queryBase(id, fx)),
          headers: { ...authHeaders(auth, method), 'content-type': ct },
          body: Buffer.from(JSON.stringify(body)),
        });
      batch.push({
        label: 'json no content-type',
        method,
        path: pathFor(op, fx) + qs(queryBase(id, fx)),
        headers: { ...authHeaders(auth, method) },
        body: Buffer.from(JSON.stringify(body)),
      });
      batch.push({
        label: 'empty body json ct',
        method,
        path: pathFor(op, fx) + qs(queryBase(id, fx)),
        headers: { ...authHeaders(auth, method), 'content-type': 'application/json', 'content-length': '0' },
      });
      batch.push({
        label: '1.5MB body',
        method,
        path: pathFor(op, fx) + qs(queryBase(id, fx)),
        headers: { ...authHeaders(auth, method), 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ ...body, pad: 'x'.repeat(1_500_000) })),
      });
      // multipart
      const form = (parts: Array<{ name: string; filename?: string; type?: string; data: string | Buffer }>) => {
        const boundary = '----fuzz' + Math.random().toString(36).slice(2);
        const chunks: Buffer[] = [];
        for (const part of parts) {
          chunks.push(
            Buffer.from(
              `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}\r\n${part.type ? `Content-Type: ${part.type}\r\n` : ''}\r\n`,
            ),
          );
          chunks.push(Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data));
          chunks.push(Buffer.from('\r\n'));
        }
        chunks.push(Buffer.from(`--${boundary}--\r\n`));
        return { boundary, data: Buffer.concat(chunks) };
      };
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
      const fields = Object.entries(body)
        .filter(([k, v]) => k !== 'image' && v !== null && typeof v !== 'object')
        .map(([k, v]) => ({ name: k, data: String(v) }));
      const mpVariants: Array<[string, Array<{ name: string; filename?: string; type?: string; data: string | Buffer }>]> = [
        ['fields only', fields],
        ['fields + file', [...fields, { name: 'image', filename: 'a.png', type: 'image/png', data: png }]],
        [
          'two files',
          [
            ...fields,
            { name: 'image', filename: 'a.png', type: 'image/png', data: png },
            { name: 'image', filename: 'b.png', type: 'image/png', data: png },
          ],
        ],
        ['file wrong field', [...fields, { name: 'picture', filename: 'a.png', type: 'image/png', data: png }]],
        [
          'file as name field',
          [...fields.filter((f) => f.name !== 'name'), { name: 'name', filename: 'a.png', type: 'image/png', data: png }],
        ],
        ['empty file', [...fields, { name: 'image', filename: 'a.png', type: 'image/png', data: Buffer.alloc(0) }]],
        ['text file', [...fields, { name: 'image', filename: 'a.txt', type: 'text/plain', data: 'hello' }]],
        ['image url field', [...fields, { name: 'image', data: 'https://example.com/x.png' }]],
        ['image nul field', [...fields, { name: 'image', data: 'https://example.com/\u0000.png' }]],
        ['dup fields', [...fields, ...fields]],
        ['nul in field', fields.map((f) => ({ ...f, data: f.data + '\u0000' }))],
        [
          'surrogate-ish invalid utf8 field',
          fields.map((f) => ({ ...f, data: Buffer.concat([Buffer.from(f.data), Buffer.from([0xed, 0xa0, 0x80])]) })),
        ],
        ['stock huge', [...fields.filter((f) => f.name !== 'stock'), { name: 'stock', data: '99999999999' }]],
        ['stock float', [...fields.filter((f) => f.name !== 'stock'), { name: 'stock', data: '1.5' }]],
        ['price 1e3', [...fields.filter((f) => f.name !== 'price'), { name: 'price', data: '1e3' }]],
        ['no fields', []],
        ['weird filename', [...fields, { name: 'image', filename: '../../etc/passwd\u0000.png', type: 'image/png', data: png }]],
        ['60 fields', Array.from({ length: 60 }, (_, i) => ({ name: `f${i}`, data: 'x' }))],
        ['unknown field', [...fields, { name: 'zzz', data: '1' }]],
        ['__proto__ field', [...fields, { name: '__proto__', data: '1' }]],
        ['constructor field', [...fields, { name: 'constructor', data: '1' }]],
      ];
      for (const [label, parts] of mpVariants) {
        const { boundary, data } = form(parts);
        batch.push({
          label: `multipart ${label}`,
          method,
          path: pathFor(op, fx) + qs(queryBase(id, fx)),
          headers: { ...authHeaders(auth, method), 'content-type': `multipart/form-data; boundary=${boundary}` },
          body: data,
        });
      }
      batch.push({
        label: 'multipart broken',
        method,
        path: pathFor(op, fx),
        headers: { ...authHeaders(auth, method), 'content-type': 'multipart/form-data; boundary=abc' },
        body: Buffer.from('--abc\r\nContent-Disposition: form-data; name="x"\r\n\r\nunterminated'),
      });
    } else {
      // body on GET/DELETE/no-body operations
      batch.push(jsonReq('body on bodyless op', { a: 1 }));
      batch.push({
        label: 'garbage body on bodyless op',
        method,
        path: pathFor(op, fx),
        headers: { ...authHeaders(auth, method), 'content-type': 'application/json' },
        body: Buffer.from('{{{{'),
      });
      batch.push({
        label: 'text body on bodyless op',
        method,
        path: pathFor(op, fx),
        headers: { ...authHeaders(auth, method), 'content-type': 'text/plain' },
        body: Buffer.from('hi'),
      });
    }

    // path params
    if (op.path.includes('{')) {
      const PATHS = [
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
      for (const p of PATHS) {
        const name = op.path.match(/\{(\w+)\}/)![1]!;
        batch.push(plain(`path ${name}=${p.slice(0, 20)}`, {}, auth, pathFor(op, fx, { [name]: p }) + qs(queryBase(id, fx))));
      }
    }

    // query params
    const params = ((op.parameters ?? []) as Array<{ name: string; in: string }>).filter((p) => p.in === 'query');
    const QVALUES = [
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
    for (const p of params) {
      for (const v of QVALUES) {
        const q = { ...queryBase(id, fx), [p.name]: v };
        batch.push(plain(`query ${p.name}=${JSON.stringify(v).slice(0, 20)}`, {}, auth, pathFor(op, fx) + qs(q)));
      }
      batch.push(plain(`query dup ${p.name}`, {}, auth, pathFor(op, fx) + qs({ ...queryBase(id, fx), [p.name]: ['1', '2'] })));
      batch.push(plain(`query dup2 ${p.name}`, {}, auth, pathFor(op, fx) + qs({ ...queryBase(id, fx), [p.name]: ['men', 'women'] })));
      batch.push(plain(`query bracket ${p.name}`, {}, auth, pathFor(op, fx) + `?${p.name}[a]=1&${p.name}[]=2`));
      batch.push(
        plain(
          `query raw invalid pct ${p.name}`,
          {},
          auth,
          pathFor(op, fx) + `?${p.name}=%E0%A4%A&${p.name === 'session_id' ? '' : `session_id=${fx.sessionId}`}`,
        ),
      );
      batch.push(
        plain(
          `query raw lone surrogate utf8 ${p.name}`,
          {},
          auth,
          pathFor(op, fx) + `?${p.name}=%ED%A0%80${p.name === 'session_id' ? '' : `&session_id=${fx.sessionId}`}`,
        ),
      );
    }
    batch.push(plain('unknown query param', {}, auth, pathFor(op, fx) + qs({ ...queryBase(id, fx), zzz: '\u0000' })));
    batch.push(
      plain(
        '__proto__ query',
        {},
        auth,
        pathFor(op, fx) + `?__proto__[x]=1&constructor=1${id === 'verifyPayment' ? `&session_id=${fx.sessionId}` : ''}`,
      ),
    );
    batch.push(plain('200 query params', {}, auth, pathFor(op, fx) + '?' + Array.from({ length: 200 }, (_, i) => `p${i}=1`).join('&')));

    // headers
    const HEADERS: Array<[string, Record<string, string>, Auth?]> = [
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
    for (const [label, h, a] of HEADERS) {
      const r = plain(`header ${label}`, {}, a ?? auth);
      if (h.origin === '') delete r.headers.origin;
      const merged = { ...r.headers, ...h };
      if (h.cookie && r.headers.cookie) merged.cookie = h.cookie;
      if (merged.origin === '') delete merged.origin;
      batch.push({ ...r, headers: merged });
    }

    // wrong methods and case/trailing-slash variants
    for (const m of ['PUT', 'PATCH', 'DELETE', 'POST', 'GET', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND']) {
      batch.push({ label: `method ${m}`, method: m, path: pathFor(op, fx), headers: { ...authHeaders(auth, m) } });
    }
    batch.push(plain('no trailing slash', {}, auth, pathFor(op, fx).replace(/\/$/, '')));
    batch.push(plain('double slash', {}, auth, pathFor(op, fx).replace(/^\//, '//')));
    batch.push(plain('upper path', {}, auth, pathFor(op, fx).toUpperCase()));
    batch.push(plain('encoded slash', {}, auth, pathFor(op, fx).replace(/\/$/, '%2F')));
    batch.push(plain('dot segment', {}, auth, pathFor(op, fx) + '../'));

    // run the batch with small concurrency
    const CONC = 8;
    for (let i = 0; i < batch.length; i += CONC) {
      await Promise.all(batch.slice(i, i + CONC).map((r) => check(base, r, legit)));
    }
    console.log(`${id.padEnd(22)} ${String(batch.length).padStart(5)} requests  (${Math.round((Date.now() - started) / 1000)}s)`);
  }

  // unknown paths
  for (const p of [
    '/',
    '/%00',
    '/api/%ED%A0%80/',
    '/api/products/%00/',
    '/x'.repeat(3000),
    '/api/products/1/?' + 'a=1&'.repeat(5000),
    '/media/%2e%2e%2fetc%2fpasswd',
    '/media/..%2f..%2fpackage.json',
  ]) {
    await check(base, { label: `unknown path ${p.slice(0, 30)}`, method: 'GET', path: p, headers: {} });
  }

  // ---------------------------------------------------------------- concurrency
  {
    const fx = await fixtures();
    const jh = (a: Auth, m: string) => ({ ...authHeaders(a, m), 'content-type': 'application/json' });
    const conc = async (label: string, reqs: Sent[], legit = false) => {
      const res = await Promise.all(reqs.map((r) => check(base, r, legit)));
      const counts: Record<number, number> = {};
      for (const r of res) counts[r.status] = (counts[r.status] ?? 0) + 1;
      console.log(`concurrency ${label}: ${JSON.stringify(counts)}`);
      return res;
    };
    await conc(
      'addToCart x20',
      Array.from({ length: 20 }, () => ({
        label: 'conc add',
        method: 'POST',
        path: '/api/cart/add/',
        headers: jh('user', 'POST'),
        body: JSON.stringify({ product_id: fx.productId, quantity: 5 }),
      })),
    );
    await conc(
      'addToWishlist x20',
      Array.from({ length: 20 }, () => ({
        label: 'conc wl',
        method: 'POST',
        path: '/api/cart/wishlist/add/',
        headers: jh('user', 'POST'),
        body: JSON.stringify({ product_id: fx.productId }),
      })),
    );
    const scarce = await makeProduct(db, { stock: 3 });
    await conc(
      'createOrder same key x15',
      Array.from({ length: 15 }, () => ({
        label: 'conc order key',
        method: 'POST',
        path: '/api/orders/create/',
        headers: { ...jh('user', 'POST'), 'idempotency-key': 'same-key-1' },
        body: JSON.stringify({ payment_method: 'cod', cart: [{ id: scarce.id, quantity: 1 }], address_id: fx.addressId }),
      })),
    );
    await conc(
      'createOrder scarce x15',
      Array.from({ length: 15 }, () => ({
        label: 'conc order',
        method: 'POST',
        path: '/api/orders/create/',
        headers: jh('user', 'POST'),
        body: JSON.stringify({ payment_method: 'cod', cart: [{ id: scarce.id, quantity: 1 }], address_id: fx.addressId }),
      })),
    );
    const stock = await db('products').where({ id: scarce.id }).first();
    console.log('scarce stock after:', stock.stock);
    const email = `race${Date.now()}@example.com`;
    await conc(
      'register same email x15',
      Array.from({ length: 15 }, () => ({
        label: 'conc register',
        method: 'POST',
        path: '/api/auth/register/',
        headers: jh('anon', 'POST'),
        body: JSON.stringify({ email, password: 'correct-horse-battery' }),
      })),
    );
    await conc(
      'createProduct same name x15',
      Array.from({ length: 15 }, () => ({
        label: 'conc product',
        method: 'POST',
        path: '/api/products/create/',
        headers: jh('staff', 'POST'),
        body: JSON.stringify({ name: 'Race Tee', price: '1.00', category: 'men', description: 'Same name race tee' }),
      })),
    );
    await conc('updateCartItem + removeCartItem', [
      ...Array.from({ length: 8 }, () => ({
        label: 'conc upd',
        method: 'PATCH',
        path: `/api/cart/update/${fx.cartItemId}/`,
        headers: jh('user', 'PATCH'),
        body: JSON.stringify({ quantity: 2 }),
      })),
      ...Array.from({ length: 8 }, () => ({
        label: 'conc rm',
        method: 'DELETE',
        path: `/api/cart/remove/${fx.cartItemId}/`,
        headers: authHeaders('user', 'DELETE'),
      })),
    ]);
    await conc('delete product while carting', [
      ...Array.from({ length: 8 }, () => ({
        label: 'conc add2',
        method: 'POST',
        path: '/api/cart/add/',
        headers: jh('user', 'POST'),
        body: JSON.stringify({ product_id: fx.productId, quantity: 1 }),
      })),
      ...Array.from({ length: 4 }, () => ({
        label: 'conc del product',
        method: 'DELETE',
        path: `/api/products/${fx.productId}/`,
        headers: authHeaders('staff', 'DELETE'),
      })),
      ...Array.from({ length: 4 }, () => ({
        label: 'conc order deleted',
        method: 'POST',
        path: '/api/orders/create/',
        headers: jh('user', 'POST'),
        body: JSON.stringify({ payment_method: 'cod', address_id: fx.addressId }),
      })),
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
      ...Array.from({ length: 6 }, () => ({
        label: 'conc addr del',
        method: 'DELETE',
        path: `/api/orders/addresses/${fx.addressId}/`,
        headers: authHeaders('user', 'DELETE'),
      })),
      ...Array.from({ length: 6 }, () => ({
        label: 'conc addr patch',
        method: 'PATCH',
        path: `/api/orders/addresses/${fx.addressId}/`,
        headers: jh('user', 'PATCH'),
        body: JSON.stringify({ city: 'Mumbai' }),
      })),
    ]);
  }

  // ---------------------------------------------------------------- signed webhook payloads
  if (withStripe) {
    const fx = await fixtures();
    const session = {
      object: 'checkout.session',
      id: fx.sessionId,
      payment_status: 'paid',
      amount_total: 49900,
      currency: 'inr',
      metadata: { order_id: String(fx.orderId) },
    };
    const event = { id: 'evt_fuzz', object: 'event', type: 'checkout.session.completed', data: { object: session } };
    const variants: unknown[] = [];
    for (const leaf of leafPaths(event)) for (const [, v] of HOSTILE) variants.push(setPath(event, leaf, v));
    let n = 0;
    for (const v of variants) {
      const payload = JSON.stringify(
        v && typeof v === 'object' && !Array.isArray(v)
          ? { ...(v as object), id: (v as any).id === 'evt_fuzz' ? `evt_fuzz_${n++}` : (v as any).id }
          : v,
      );
      const sig = stripeSignature(payload);
      await check(
        base,
        {
          label: `signed webhook ${payload.slice(0, 120)}`,
          method: 'POST',
          path: '/api/orders/webhook/',
          headers: { 'content-type': 'application/json', 'stripe-signature': sig },
          body: payload,
        },
        true,
      );
    }
    console.log(`signed webhook variants: ${variants.length}`);
  }

  console.log(`\nTOTAL requests: ${total} in ${Math.round((Date.now() - started) / 1000)}s`);
  console.log('status counts:', JSON.stringify(Object.fromEntries([...statusCounts].sort((a, b) => a[0] - b[0]))));
  for (const [k, v] of legitCounts) console.log(`  5xx ${v}x ${k}`);
  console.log(`\nFINDINGS (${findings.size} distinct):`);
  for (const [key, { count, example }] of [...findings].sort()) console.log(`\n[${count}x] ${key}\n  e.g. ${example}`);
  await server.close();
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
