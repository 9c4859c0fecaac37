// Opt-in paging for list endpoints that keeps the bare-array body: the page is chosen with
// `limit`/`offset`, the total is announced in X-Total-Count and neighbours in an RFC 8288 Link.
import type { Knex } from 'knex';

const DEFAULT_LIMIT = 100;

export interface Page {
  limit: number;
  offset: number;
}

export function pageOf(query: { limit?: number; offset?: number }): Page {
  return { limit: query.limit ?? DEFAULT_LIMIT, offset: query.offset ?? 0 };
}

export function pagingHeaders(requestUrl: string, page: Page, total: number): Record<string, string> {
  // The request's other parameters as they came, then this page's size and each link's offset
  // (string work: a URL object per request showed in the list's profile).
  const question = requestUrl.indexOf('?');
  const path = question === -1 ? requestUrl : requestUrl.slice(0, question);
  const others = new URLSearchParams(question === -1 ? '' : requestUrl.slice(question + 1));
  others.delete('limit');
  others.delete('offset');
  const kept = others.toString();
  const link = (rel: string, offset: number) => `<${path}?${kept ? `${kept}&` : ''}limit=${page.limit}&offset=${offset}>; rel="${rel}"`;
  const links: string[] = [];
  links.push(link('first', 0));
  if (page.offset > 0) links.push(link('prev', Math.max(0, page.offset - page.limit)));
  if (page.offset + page.limit < total) links.push(link('next', page.offset + page.limit));
  if (total > 0) links.push(link('last', Math.floor((total - 1) / page.limit) * page.limit));
  return { 'X-Total-Count': String(total), Link: links.join(', ') };
}

/**
 * One page of a list, newest first (the id breaks ties between rows of one moment), and how many
 * rows the whole list has. `list` builds the filtered query afresh for each of the two statements.
 */
export async function newestFirstPage<Row>(
  list: () => Knex.QueryBuilder,
  columns: readonly string[],
  page: Page,
): Promise<{ rows: Row[]; total: number }> {
  const [rows, counted] = await Promise.all([
    list()
      .select(columns)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(page.limit)
      .offset(page.offset) as Promise<Row[]>,
    list().count({ total: '*' }) as Promise<Array<{ total: string | number }>>,
  ]);
  return { rows, total: Number(counted[0]!.total) };
}
