// The catalogue's version (migration 20261127009000): one row, bumped by a trigger on every
// statement that can change which products a filter of the list matches. Read to tell whether a
// count kept from earlier still holds.
import type { Knex } from 'knex';
import { Model } from 'objection';

export interface CatalogueVersionRow {
  only_row: true;
  /** bigint: read as text, so it compares the same on both drivers. */
  version: string;
}

// Declaration merging gives the Objection model the row's typed columns.
export interface CatalogueVersion extends CatalogueVersionRow {}
/** The Objection model of catalogue_version. */
export class CatalogueVersion extends Model {
  static override tableName = 'catalogue_version';
  static override idColumn = 'only_row';

  static async current(db: Knex): Promise<string> {
    const row = (await CatalogueVersion.query(db).select(CatalogueVersion.raw('version::text AS version')).first()) as
      { version: string } | undefined;
    return row?.version ?? '0';
  }
}
