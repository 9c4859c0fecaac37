// The yardstick of `npm run bench`: node:http and pg, nothing else, answering the product list's
// query (newest first, the default page of 100, the total in X-Total-Count) with the same JSON as
// GET /api/products/: the same two statements, the page bound as parameters as the application binds it. What the application costs beyond this is routing, validation, security
// headers, logging, the ORM and the ETag. Run as its own process (so its RSS is its own), with
// DATABASE_URL and PORT.
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const ROWS = `SELECT id, name, slug, price, category, image, description, stock, created_at, updated_at
                FROM products ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`;
const COUNT = 'SELECT count(*) AS total FROM products';

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

const server = createServer((request, response) => {
  if (request.url !== '/api/products/') {
    response.writeHead(404).end();
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
      response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'X-Total-Count': count.rows[0]!.total });
      response.end(body);
    },
    (error: unknown) => {
      console.error(error);
      response.writeHead(500).end();
    },
  );
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening on ${JSON.stringify(server.address())}`);
});
const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
