// `npm run orders:generate -- --count 100000`: adds synthetic orders (with their lines and buyers)
// so the staff panel's dashboard and reports can be measured at scale (npm run bench:panel). The
// database makes the rows itself, one statement per batch: buyers `gen-buyer-<n>@generated.invalid`,
// orders spread over the last 365 days in every status but pending (the payment sweeper would
// settle those), one or two lines each from the existing catalogue, totals summed from the lines.
// Like a shop's, the orders are written oldest first (ids and the table's order follow time). Card
// orders paid, shipped or delivered and delivered cash orders are paid (payment_status).
// `--remove` deletes the generated buyers and their orders again.
// Uses DATABASE_URL, or the embedded database in DATA_DIR (./data) when it is unset.
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { openMigratedDatabase } from './command-database.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    buyers: { type: 'string', default: '5000' },
    batch: { type: 'string', default: '10000' },
    remove: { type: 'boolean', default: false },
  },
});
const count = Number(values.count);
const buyers = Number(values.buyers);
const batch = Number(values.batch);
if (![count, buyers, batch].every((value) => Number.isInteger(value) && value >= 1)) {
  console.error('Usage: npm run orders:generate -- [--count 100000] [--buyers 5000] [--batch 10000] [--remove]');
  process.exit(2);
}

const BUYER_EMAIL = 'gen-buyer-%@generated.invalid';
/** The orders are spread evenly over this past, oldest first, as a shop writes them. */
const SPREAD_SECONDS = 365 * 24 * 60 * 60;

async function main(): Promise<void> {
  const db = await openMigratedDatabase();
  try {
    if (values.remove) {
      const generated = db('users').select('id').where('email', 'like', BUYER_EMAIL);
      const orders = await db('orders').whereIn('user_id', generated).delete();
      const users = await db('users').where('email', 'like', BUYER_EMAIL).delete();
      console.log(`Removed ${orders} generated orders and ${users} generated buyers.`);
      return;
    }
    const products = Number((await db('products').count({ n: '*' }).first())?.n ?? 0);
    if (products === 0) {
      console.error('The catalogue is empty: run `npx knex seed:run` (or npm run catalogue:generate) first.');
      process.exit(1);
    }
    await db.raw(
      `INSERT INTO users (email, first_name, last_name, email_verified)
       SELECT 'gen-buyer-' || n || '@generated.invalid', 'Buyer', n::text, true FROM generate_series(1, ?::int) AS n
       ON CONFLICT (email) DO NOTHING`,
      [buyers],
    );
    const started = Date.now();
    const offset = Number((await db('orders').count({ n: '*' }).first())?.n ?? 0);
    for (let from = 1; from <= count; from += batch) {
      const to = Math.min(count, from + batch - 1);
      // Order ids are taken from the sequence first, so the lines and the order (with the sum of
      // its lines as its total) are written by one statement. Statuses by g % 20: half delivered,
      // then shipped, processing, paid, cancelled, failed; card payment for the paid and failed
      // ones and a third of the others.
      await db.raw(
        `WITH
           product AS (SELECT id, name, image, price, row_number() OVER (ORDER BY id) AS rn FROM products),
           buyer AS (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM users WHERE email LIKE ?),
           gen AS (SELECT g, nextval('orders_id_seq') AS id FROM generate_series(?::int, ?::int) AS g),
           line AS (
             SELECT gen.id AS order_id, product.id AS product_id, product.name, product.image, product.price, 1 + (gen.g + k) % 3 AS quantity
               FROM gen CROSS JOIN generate_series(1, 2) AS k
               JOIN product ON product.rn = 1 + (gen.g * 7919 + k * 104729) % ?::int
              WHERE k = 1 OR gen.g % 2 = 0),
           total AS (SELECT order_id, sum(price * quantity) AS amount FROM line GROUP BY order_id),
           placed AS (
             INSERT INTO orders (id, user_id, status, payment_method, payment_status, total_amount, currency,
                                 ship_full_name, ship_phone, ship_street, ship_city, ship_pincode, created_at, updated_at)
             SELECT gen.id, buyer.id, status, method,
                    CASE WHEN (method = 'stripe' AND status IN ('paid', 'shipped', 'delivered')) OR (method = 'cod' AND status = 'delivered')
                         THEN 'paid' ELSE 'unpaid' END,
                    total.amount, 'inr', 'Buyer ' || buyer.rn, '9876543210', '12 MG Road, Indiranagar', 'Bengaluru', '560038', created, created
               FROM gen
               JOIN total ON total.order_id = gen.id
               JOIN buyer ON buyer.rn = 1 + gen.g % ?::int
               CROSS JOIN LATERAL (SELECT
                 CASE WHEN gen.g % 20 < 10 THEN 'delivered' WHEN gen.g % 20 < 13 THEN 'shipped' WHEN gen.g % 20 < 15 THEN 'processing'
                      WHEN gen.g % 20 < 17 THEN 'paid' WHEN gen.g % 20 < 19 THEN 'cancelled' ELSE 'failed' END AS status,
                 now() - (?::int - gen.g) * ?::double precision * interval '1 second' AS created) AS chosen
               CROSS JOIN LATERAL (SELECT
                 CASE WHEN status IN ('paid', 'failed') OR gen.g % 3 = 0 THEN 'stripe' ELSE 'cod' END AS method) AS paying
             RETURNING id)
         INSERT INTO order_items (order_id, product_id, product_name, image, price, quantity)
         SELECT order_id, product_id, name, image, price, quantity FROM line`,
        [BUYER_EMAIL, offset + from, offset + to, products, buyers, offset + count, SPREAD_SECONDS / count],
      );
      const progress = `generated ${to}/${count} orders in ${((Date.now() - started) / 1000).toFixed(1)} s`;
      // One line rewritten in place on a terminal; plain lines in a log (no control characters).
      if (process.stdout.isTTY) process.stdout.write(`\r  ${progress}\x1b[K`);
      else console.log(`  ${progress}`);
    }
    if (process.stdout.isTTY) process.stdout.write('\n');
    // VACUUM marks the pages all-visible, which index-only scans need (autovacuum would, later).
    await db.raw('VACUUM ANALYZE orders');
    await db.raw('VACUUM ANALYZE order_items');
    await db.raw('VACUUM ANALYZE users');
    const total = await db('orders').count({ n: '*' }).first();
    console.log(
      `Done: ${count} orders added in ${((Date.now() - started) / 1000).toFixed(1)} s; the shop holds ${String(total?.n)} orders.`,
    );
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
