// The yardstick of `npm run bench`: node:http and pg, nothing else, answering the product list's
// query (newest first, the default page of 100, the total in X-Total-Count) with the same JSON as
// GET /api/products/, the page bound as parameters as the application binds it. What the
// application costs beyond this is routing, validation, security headers, logging, metrics, the
// query builder and the ETag. Run as its own process (so its RSS is its own), with DATABASE_URL,
// PORT and BARE_MODE:
// - `json` (the yardstick): the application's own statement — PostgreSQL writes the page's JSON
//   text (see SHOWN_AS_JSON in src/catalogue/product.model.ts) — and a count(*) in it, prepared
//   under a name as the application prepares it (see runStatement in src/db.ts), so both ask the
//   same work of PostgreSQL;
// - `rows`: the plain way, and how the application read the list before it had PostgreSQL write
//   the JSON: the rows and a count(*) as two statements, each row turned into the answer's object
//   and JSON.stringify in Node.
import { createServer, type ServerResponse } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const ROWS = `SELECT id, name, slug, price, category, image, description, stock, created_at, updated_at
                FROM products ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`;
const COUNT = 'SELECT count(*) AS total FROM products';
const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const PAGE_AS_JSON = `
  SELECT (SELECT count(*) FROM products) AS total,
         '[' || coalesce(string_agg(row_to_json(shown)::text, ',' ORDER BY page.created_at DESC, page.id DESC), '') || ']' AS json
    FROM (${ROWS}) AS page,
         LATERAL (SELECT page.id, page.name, page.slug, page.price::text AS price, page.category, page.image, page.description,
                         page.stock, ${ISO('page.created_at')} AS created_at, ${ISO('page.updated_at')} AS updated_at) AS shown`;
const MODE = process.env.BARE_MODE ?? 'json';
if (MODE !== 'json' && MODE !== 'rows') throw new Error(`BARE_MODE is json or rows, not ${MODE}`);

interface Row {
  id: number;
  name: string;
  slug: string;
  price: string;
  category: string;
  image: string | null;
  description: string;
  stock: number;
  created_at: Date;
  updated_at: Date;
}

function answer(response: ServerResponse, total: string, body: string): void {
  response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'X-Total-Count': total });
  response.end(body);
}

function failed(response: ServerResponse, error: unknown): void {
  console.error(error);
  response.writeHead(500).end();
}

const server = createServer((request, response) => {
  if (request.url !== '/api/products/') {
    response.writeHead(404).end();
    return;
  }
  if (MODE === 'json') {
    pool.query<{ total: string; json: string }>({ name: 'catalogue_page', text: PAGE_AS_JSON, values: [100, 0] }).then(
      ({ rows: [page] }) => answer(response, page!.total, page!.json),
      (error: unknown) => failed(response, error),
    );
    return;
  }
  Promise.all([pool.query<Row>(ROWS, [100, 0]), pool.query<{ total: string }>(COUNT)]).then(
    ([rows, count]) => {
      const body = JSON.stringify(
        rows.rows.map((row) => ({
          id: row.id,
          name: row.name,
          slug: row.slug,
          // numeric(10,2) already reads as "1495.00".
          price: row.price,
          category: row.category,
          image: row.image,
          description: row.description,
          stock: row.stock,
          created_at: row.created_at.toISOString(),
          updated_at: row.updated_at.toISOString(),
        })),
      );
      answer(response, count.rows[0]!.total, body);
    },
    (error: unknown) => failed(response, error),
  );
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening on ${JSON.stringify(server.address())}`);
});
const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
