// `npm run catalogue:generate -- --count 100000`: fills the catalogue with synthetic products so
// search and filters can be measured at scale (npm run bench:search). Rows are made by the
// database itself (generate_series, one INSERT ... SELECT per batch), carry source ids
// "gen-<n>" so running it again adds nothing twice, and are removed with --remove.
// Uses DATABASE_URL, or the embedded database in DATA_DIR (./data) when it is unset.
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { openMigratedDatabase } from './command-database.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '10000' },
    remove: { type: 'boolean', default: false },
  },
});
const count = Number(values.count);
const batch = Number(values.batch);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(batch) || batch < 1) {
  console.error('Usage: npm run catalogue:generate -- [--count 100000] [--batch 10000] [--remove]');
  process.exit(2);
}

const words = (list: string[]) => `ARRAY[${list.map((word) => `'${word}'`).join(', ')}]`;
const ADJECTIVES = words([
  'Classic',
  'Slim',
  'Relaxed',
  'Oversized',
  'Vintage',
  'Essential',
  'Premium',
  'Everyday',
  'Urban',
  'Heritage',
  'Cropped',
  'Boxy',
  'Tailored',
  'Washed',
  'Brushed',
  'Light',
  'Heavy',
  'Soft',
  'Structured',
  'Easy',
]);
const COLOURS = words([
  'White',
  'Black',
  'Navy',
  'Olive',
  'Rust',
  'Sand',
  'Grey',
  'Teal',
  'Maroon',
  'Mustard',
  'Blush',
  'Ivory',
  'Charcoal',
  'Sky',
  'Forest',
]);
const MATERIALS = words(['Cotton', 'Linen', 'Denim', 'Wool', 'Fleece', 'Jersey', 'Corduroy', 'Twill', 'Poplin', 'Knit']);
const GARMENTS = words([
  'Tee',
  'Shirt',
  'Hoodie',
  'Jacket',
  'Kurta',
  'Dress',
  'Skirt',
  'Chinos',
  'Joggers',
  'Shorts',
  'Sweater',
  'Blazer',
  'Polo',
  'Overshirt',
  'Cardigan',
  'Jeans',
  'Tunic',
  'Vest',
  'Parka',
  'Top',
]);
const PHRASES = words([
  'made for warm days',
  'with a ribbed collar',
  'cut for layering',
  'garment dyed for a soft hand',
  'with reinforced seams',
  'easy to wash and wear',
  'with a 100% organic finish',
  'with hidden_pocket detailing',
]);

async function main(): Promise<void> {
  const db = await openMigratedDatabase();
  try {
    if (values.remove) {
      const removed = await db('products').where('source_id', 'like', 'gen-%').delete();
      console.log(`Removed ${removed} generated products.`);
      return;
    }
    const started = Date.now();
    let inserted = 0;
    for (let from = 1; from <= count; from += batch) {
      const to = Math.min(count, from + batch - 1);
      // Deterministic variety from the row number: names and descriptions combine word lists,
      // prices spread over 99–4998.99, categories alternate, creation times go back one minute per row.
      const result = await db.raw<{ rowCount?: number; affectedRows?: number }>(
        `INSERT INTO products (name, slug, price, category, image, description, stock, source_id, created_at, updated_at)
         SELECT name, 'gen-' || g || '-' || lower(replace(name, ' ', '-')), price, category, NULL, description, g % 200, 'gen-' || g, created, created
         FROM (
           SELECT g,
             (${ADJECTIVES})[1 + g % 20] || ' ' || (${COLOURS})[1 + (g / 20) % 15] || ' ' || (${MATERIALS})[1 + (g / 300) % 10] || ' ' || (${GARMENTS})[1 + (g / 7) % 20] || ' ' || g AS name,
             (99 + (g * 7919) % 490000 / 100.0)::numeric(10, 2) AS price,
             CASE WHEN g % 2 = 0 THEN 'men' ELSE 'women' END AS category,
             (${MATERIALS})[1 + (g / 300) % 10] || ' ' || lower((${GARMENTS})[1 + (g / 7) % 20]) || ' in ' || lower((${COLOURS})[1 + (g / 20) % 15]) || ', ' || (${PHRASES})[1 + g % 8] || '. Style number ' || g || '.' AS description,
             now() - make_interval(mins => g) AS created
           FROM generate_series(?::int, ?::int) AS g
         ) AS generated
         ON CONFLICT (source_id) DO NOTHING`,
        [from, to],
      );
      inserted += result.rowCount ?? result.affectedRows ?? 0;
      const progress = `generated ${to}/${count} (${inserted} new) in ${((Date.now() - started) / 1000).toFixed(1)} s`;
      // One line rewritten in place on a terminal; plain lines in a log (no control characters).
      if (process.stdout.isTTY) process.stdout.write(`\r  ${progress}\x1b[K`);
      else console.log(`  ${progress}`);
    }
    if (process.stdout.isTTY) process.stdout.write('\n');
    await db.raw('ANALYZE products');
    const total = await db('products').count({ n: '*' }).first();
    console.log(
      `Done: ${inserted} products added in ${((Date.now() - started) / 1000).toFixed(1)} s; the catalogue holds ${String(total?.n)}.`,
    );
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
