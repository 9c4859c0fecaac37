// A product: the Objection model of the products table, every statement the catalogue, the cart
// and checkout run on it, and its wire shape. A product's slug is unique and decided by the
// database; its stock never goes below zero (a CHECK), so stock is only ever taken in a
// conditional UPDATE.
import type { Knex } from 'knex';
import { fn, Model, QueryBuilder, raw, UniqueViolationError, type Modifiers, type Page } from 'objection';
import type { components } from '../../generated/openapi.js';
import { formatMoney } from '../money.js';
import { containsPattern, escapeLike, runStatement } from '../db.js';
import { slugCandidates, slugify } from './slug.js';

export type ProductResponse = components['schemas']['Product'];
export type Category = ProductResponse['category'];

/** A products row as the API shows it (the columns `shown()` selects). */
export interface ProductRow {
  id: number;
  name: string;
  slug: string;
  /** numeric(10,2), as the driver returns it: a string. */
  price: string;
  category: Category;
  image: string | null;
  description: string;
  stock: number;
  created_at: Date;
  updated_at: Date;
}

/**
 * What a product write stores: the fields of a request or an imported item, normalised (see
 * product-input.ts). A create gives all of name, price, category and description.
 */
export interface ProductFields {
  name?: string;
  price?: string;
  category?: Category;
  description?: string;
  stock?: number;
  image?: string | null;
  /** The URL an image was uploaded from (the import's), so a re-import does not upload it again. */
  image_source?: string | null;
}

/** What the import compares with an item of the file, to update only what changed. */
export type ImportedProduct = Pick<ProductRow, 'id' | 'image'> & { image_source: string | null };

/** The shopper's filters of the catalogue (the listProducts query parameters). */
export interface ProductFilters {
  search?: string | undefined;
  category?: string | undefined;
  min_price?: string | undefined;
  max_price?: string | undefined;
}

/** A quantity of one product, as checkout takes it from stock or gives it back. */
export interface StockLine {
  productId: number;
  quantity: number;
}

/** What checkout reads of a product it is about to sell. */
export type ProductForSale = Pick<ProductRow, 'id' | 'name' | 'price' | 'image'>;

const SHOWN_COLUMNS = [
  'id',
  'name',
  'slug',
  'price',
  'category',
  'image',
  'description',
  'stock',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof ProductRow)[];

/** A timestamptz as JavaScript's toISOString() writes it: UTC, milliseconds (truncated, as a Date keeps them), "Z". */
function isoTimestamp(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * A product as the API shows it, made by PostgreSQL from a products row named `page`: its JSON
 * text (`row_to_json(shown)::text`) is the text JSON.stringify(toProductResponse(row)) makes,
 * byte for byte (test/catalogue/product-json.test.ts holds them to it). The public catalogue's
 * reads send that text as it is: no row parsed into objects, dates and money converted and
 * serialized again, per product per request (the list's largest cost in the profile, see the
 * README's Performance).
 */
const SHOWN_AS_JSON = `LATERAL (SELECT page.id, page.name, page.slug, page.price::text AS price, page.category, page.image,
  page.description, page.stock, ${isoTimestamp('page.created_at')} AS created_at, ${isoTimestamp('page.updated_at')} AS updated_at) AS shown`;

/**
 * Which writes a product row of `page` is the outcome of: its id and the transaction that wrote
 * this version of it (the `xmin` system column; every UPDATE makes a new version, a lock does
 * not). Equal for two reads exactly when no write reached the row in between, so the answer's
 * ETag is made from these (a few bytes per product) instead of hashing the whole JSON text.
 */
const WRITTEN = `page.id || ':' || page.xmin`;

/** What the catalogue's reads select of a products row: the shown columns, and `xmin` for WRITTEN. */
const SHOWN_AND_WRITTEN = `${SHOWN_COLUMNS.join(', ')}, xmin`;

/** One product as the API shows it, by id. */
const SHOWN_BY_ID = `SELECT row_to_json(shown)::text AS json, ${WRITTEN} AS written
  FROM (SELECT ${SHOWN_AND_WRITTEN} FROM products WHERE id = ?) AS page, ${SHOWN_AS_JSON}`;

/**
 * The list's two statements for one WHERE clause of whereMatching: a page (newest first; the id
 * breaks ties between products of one moment, the products_newest_first index) with the catalogue
 * version, and the count with it. A clause is one of 16 combinations of filters (their values are
 * bound), so each text is written once: writing it and hashing it anew to find its prepared
 * statement's name cost ~1.9 µs a request.
 */
const listStatements = new Map<string, { page: string; count: string }>();

function listStatementsFor(whereSql: string): { page: string; count: string } {
  let statements = listStatements.get(whereSql);
  if (statements === undefined) {
    statements = {
      page: `SELECT (SELECT version::text FROM catalogue_version) AS version,
              '[' || coalesce(string_agg(row_to_json(shown)::text, ',' ORDER BY page.created_at DESC, page.id DESC), '') || ']' AS json,
              coalesce(string_agg(${WRITTEN}, ',' ORDER BY page.created_at DESC, page.id DESC), '') AS written
         FROM (SELECT ${SHOWN_AND_WRITTEN} FROM products ${whereSql}
                ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?) AS page,
              ${SHOWN_AS_JSON}`,
      count: `SELECT count(*)::integer AS total, (SELECT version::text FROM catalogue_version) AS version FROM products ${whereSql}`,
    };
    listStatements.set(whereSql, statements);
  }
  return statements;
}

/** Products as the API shows them, as JSON text, and what they were written by (see WRITTEN). */
export interface ShownJson {
  json: string;
  written: string;
}

/**
 * The shopper's filters as a WHERE clause of the products table (empty without filters) and its
 * values, for knex's `?` placeholders in order: `search` is a case-insensitive substring of the
 * name or the description (% and _ taken literally; the trigram indexes serve it), `category` is
 * case-insensitive, and the price bounds are inclusive and compared as numerics, never floats.
 * Written out rather than built with objection and knex: the list runs it on every request, and
 * building it was most of what remained of the list's model path in the profile (see the README's
 * Performance).
 */
export function whereMatching(filters: ProductFilters): { sql: string; bindings: string[]; plannedAlike: boolean } {
  const conditions: string[] = [];
  const bindings: string[] = [];
  const search = filters.search?.trim();
  if (search) {
    const pattern = containsPattern(search);
    conditions.push("(name ILIKE ? ESCAPE '\\' OR description ILIKE ? ESCAPE '\\')");
    bindings.push(pattern, pattern);
  }
  if (filters.category) {
    conditions.push('category = ?');
    bindings.push(filters.category.toLowerCase());
  }
  if (filters.min_price !== undefined) {
    conditions.push('price >= ?');
    bindings.push(formatMoney(filters.min_price));
  }
  if (filters.max_price !== undefined) {
    conditions.push('price <= ?');
    bindings.push(formatMoney(filters.max_price));
  }
  // A search's best plan depends on its words (the trigram indexes for a rare one, a scan for a
  // common one): planned for each request, not prepared (see runStatement).
  return { sql: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', bindings, plannedAlike: !search };
}

/** The catalogue's query builder: `Product.query(db).shown()` selects what the API shows. */
export class ProductQueryBuilder<M extends Model, R = M[]> extends QueryBuilder<M, R> {
  declare ArrayQueryBuilderType: ProductQueryBuilder<M, M[]>;
  declare SingleQueryBuilderType: ProductQueryBuilder<M, M>;
  declare MaybeSingleQueryBuilderType: ProductQueryBuilder<M, M | undefined>;
  declare NumberQueryBuilderType: ProductQueryBuilder<M, number>;
  declare PageQueryBuilderType: ProductQueryBuilder<M, Page<M>>;

  /** Selects what the API shows of a product (toProductResponse's input). */
  shown(): this {
    return this.select(...SHOWN_COLUMNS);
  }
}

/** Objection wraps the driver's errors: a unique violation names its constraint. */
function isSlugTaken(error: unknown): boolean {
  return error instanceof UniqueViolationError && error.constraint.includes('slug');
}

// Declaration merging gives the Objection model the row's typed columns.
export interface Product extends ProductRow {
  /** The id of the catalogue file's item it was imported from, so a re-import updates it in place. */
  source_id: string | null;
  image_source: string | null;
}
/** The Objection model of a product. */
export class Product extends Model {
  static override tableName = 'products';
  static override QueryBuilder = ProductQueryBuilder;
  declare QueryBuilderType: ProductQueryBuilder<this>;

  static override modifiers: Modifiers = {
    /** For relations (a cart line's product): what the API shows of it. */
    shown: (query) => {
      query.select(...SHOWN_COLUMNS);
    },
  };

  /** The product as the API shows it, locked until the transaction ends (a write's "before"), or undefined. */
  static async lockShown(trx: Knex.Transaction, id: number): Promise<Product | undefined> {
    return await Product.query(trx).shown().findById(id).forUpdate();
  }

  static async exists(db: Knex, id: number): Promise<boolean> {
    return (await Product.query(db).select('id').findById(id)) !== undefined;
  }

  /** Whether the catalogue holds no product at all (start-up imports products.json then). */
  static async noneExist(db: Knex): Promise<boolean> {
    return (await Product.query(db).select('id').first()) === undefined;
  }

  /**
   * One page of the filtered catalogue, newest first, as the JSON text of the API's answer (see
   * SHOWN_AS_JSON), and the catalogue version read in the same statement (one snapshot).
   */
  static async pageJsonMatching(
    db: Knex,
    filters: ProductFilters,
    page: { limit: number; offset: number },
  ): Promise<ShownJson & { version: string }> {
    const where = whereMatching(filters);
    const [row] = await runStatement<ShownJson & { version: string | null }>(
      db,
      listStatementsFor(where.sql).page,
      [...where.bindings, page.limit, page.offset],
      { prepare: where.plannedAlike },
    );
    return { json: row!.json, written: row!.written, version: row!.version ?? '0' };
  }

  /** The product as the API shows it, as JSON text (see SHOWN_AS_JSON), or undefined. */
  static async findShownJson(db: Knex, id: number): Promise<ShownJson | undefined> {
    const [row] = await runStatement<ShownJson>(db, SHOWN_BY_ID, [id], { prepare: true });
    return row;
  }

  /**
   * How many products match the filters, and the catalogue version this count belongs to: one
   * statement, so both come from one snapshot (a write committed in between is in both or neither).
   */
  static async countMatching(db: Knex, filters: ProductFilters): Promise<{ total: number; version: string }> {
    const where = whereMatching(filters);
    const [row] = await runStatement<{ total: number; version: string | null }>(db, listStatementsFor(where.sql).count, where.bindings, {
      prepare: where.plannedAlike,
    });
    return { total: Number(row!.total), version: row!.version ?? '0' };
  }

  /**
   * Inserts a product under the slug of its name ("Goku Tee" → "goku-tee"), or the next free
   * suffix ("goku-tee-1"...). The unique index decides, so two products of one name written at the
   * same moment still get different slugs; each attempt runs in a savepoint, so a refused slug
   * does not abort the caller's transaction.
   */
  static async insertWithFreeSlug(db: Knex, fields: ProductFields & { source_id?: string }): Promise<Product> {
    const base = await slugify(fields.name!);
    // Start after the highest suffix in use instead of trying 1, 2, 3... one by one.
    const taken = await Product.query(db)
      .where('slug', base)
      .orWhere('slug', 'like', `${escapeLike(base)}-%`)
      .select('slug');
    for (const slug of slugCandidates(
      base,
      taken.map((product) => product.slug),
    )) {
      try {
        return await db.transaction(async (trx) =>
          Product.query(trx)
            .insert({ ...fields, slug } as Partial<Product>)
            .returning([...SHOWN_COLUMNS]),
        );
      } catch (error) {
        if (!isSlugTaken(error)) throw error;
      }
    }
    throw new Error(`Could not find a free slug for "${fields.name}"`);
  }

  /** Writes the given fields; the slug stays (links to the product survive a rename). Undefined when there is no such product. */
  static async change(db: Knex, id: number, fields: ProductFields): Promise<Product | undefined> {
    const [product] = await Product.query(db)
      .where('id', id)
      .patch({ ...fields, updated_at: fn.now() } as unknown as Partial<Product>)
      .returning([...SHOWN_COLUMNS]);
    return product;
  }

  /**
   * Deletes the product; whether it existed. The database removes its cart and wishlist lines
   * (ON DELETE CASCADE) and keeps past orders' lines with their copies (ON DELETE SET NULL).
   */
  static async remove(db: Knex, id: number): Promise<boolean> {
    // RETURNING tells what was deleted on both drivers (knex-pglite answers no count).
    const deleted = await Product.query(db).where('id', id).delete().returning('id');
    return deleted.length > 0;
  }

  /** The product imported from the catalogue file's item `sourceId`, as the import compares it. */
  static async findImported(db: Knex, sourceId: string): Promise<ImportedProduct | undefined> {
    return await Product.query(db).select('id', 'image', 'image_source').findOne({ source_id: sourceId });
  }

  /**
   * Writes an imported item's fields over the product, in one statement that changes the row only
   * when some field differs (numerics compared as numbers: 10.5 = 10.50); whether it changed.
   */
  static async updateImported(db: Knex, id: number, fields: Required<ProductFields>): Promise<boolean> {
    const updated = await Product.query(db)
      .where('id', id)
      .where((anyDiffers) => {
        for (const [column, value] of Object.entries(fields)) anyDiffers.orWhereRaw('?? IS DISTINCT FROM ?', [column, value]);
      })
      .patch({ ...fields, updated_at: fn.now() } as unknown as Partial<Product>)
      .returning('id');
    return updated.length > 0;
  }

  /**
   * Locks the products a checkout is about to sell, in id order (so concurrent checkouts, and
   * cancellations giving stock back in the same order, never deadlock), until the transaction ends.
   */
  static async lockForSale(trx: Knex.Transaction, ids: number[]): Promise<ProductForSale[]> {
    return await Product.query(trx).select('id', 'name', 'price', 'image').whereIn('id', ids).orderBy('id').forUpdate();
  }

  /**
   * Takes every line from stock in ONE conditional UPDATE (`... AND stock >= quantity`); answers
   * the ids of the products it could take. A line it could not take is left as it was, and the
   * caller rolls the transaction back.
   */
  static async takeStock(trx: Knex.Transaction, lines: StockLine[]): Promise<Set<number>> {
    const result = (await trx.raw(
      `UPDATE products SET stock = products.stock - wanted.quantity, updated_at = now()
         FROM (VALUES ${lines.map(() => '(?::integer, ?::integer)').join(', ')}) AS wanted (id, quantity)
        WHERE products.id = wanted.id AND products.stock >= wanted.quantity
        RETURNING products.id`,
      lines.flatMap((line) => [line.productId, line.quantity]),
    )) as { rows: Array<{ id: number }> };
    return new Set(result.rows.map((row) => row.id));
  }

  /** Gives stock back (a cancelled or failed order), row by row in id order like lockForSale. */
  static async giveBackStock(trx: Knex.Transaction, lines: StockLine[]): Promise<void> {
    for (const line of [...lines].sort((a, b) => a.productId - b.productId)) {
      await Product.query(trx)
        .findById(line.productId)
        .patch({ stock: raw('stock + ?', [line.quantity]), updated_at: fn.now() } as unknown as Partial<Product>);
    }
  }

  /**
   * Of these products, the ids of those that exist, kept from deletion until the transaction ends
   * (FOR KEY SHARE): a deletion under way is waited for (and the product then counts as gone), and
   * none can start before the transaction ends — so rows inserted that refer to them pass the
   * foreign key check.
   */
  static async keepFromDeletion(trx: Knex.Transaction, ids: number[]): Promise<Set<number>> {
    const existing = await Product.query(trx).select('id').whereIn('id', ids).forKeyShare();
    return new Set(existing.map((product) => product.id));
  }

  /** How many products each category holds (one GROUP BY). */
  static async countByCategory(db: Knex): Promise<Array<{ name: string; count: number }>> {
    return (await Product.query(db)
      .select({ name: 'category' })
      .select(raw('count(*)::integer AS count'))
      .groupBy('category')
      .orderBy('category')) as unknown as Array<{ name: string; count: number }>;
  }

  /** The products with the least stock, fewest first (the products_low_stock index). */
  static async lowestStock(db: Knex, limit: number): Promise<Array<Pick<ProductRow, 'id' | 'name' | 'stock' | 'price'>>> {
    return await Product.query(db)
      .select('id', 'name', 'stock', 'price')
      .orderBy([{ column: 'stock' }, { column: 'id' }])
      .limit(limit);
  }

  /** The current stock of a product, or undefined when it does not exist. */
  static async stockOf(db: Knex, id: number): Promise<number | undefined> {
    const row = await Product.query(db).findById(id).select('stock');
    return row?.stock;
  }
}

export function toProductResponse(row: ProductRow): ProductResponse {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    price: formatMoney(row.price),
    category: row.category,
    image: row.image,
    description: row.description,
    stock: row.stock,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
