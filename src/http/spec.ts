// openapi.yaml, read once at start-up: the document with every $ref resolved, and its operations
// as a flat list (path-level parameters merged into each operation's own). Nothing here runs per
// request.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { dereference } from '@apidevtools/json-schema-ref-parser';
import { CORE_SCHEMA, load } from 'js-yaml';
import { PROJECT_ROOT } from '../paths.js';

export const SPEC_PATH = path.join(PROJECT_ROOT, 'openapi.yaml');

/** A JSON schema as openapi.yaml writes it (OpenAPI 3.0's dialect, x- extensions included). */
export type Schema = Record<string, unknown>;

export interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface MediaType {
  schema?: Schema;
}

export interface SpecOperation {
  operationId: string;
  /** Upper case, as Koa gives it. */
  method: string;
  /** The path template as the spec writes it (`/api/products/{id}/`). */
  path: string;
  parameters: SpecParameter[];
  requestBody?: { required?: boolean; content: Record<string, MediaType> };
  /** The operation's security requirements (the document's when it states none). */
  security: Array<Record<string, string[]>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Document {
  paths?: Record<string, Record<string, unknown> & { parameters?: SpecParameter[] }>;
  security?: Array<Record<string, string[]>>;
}

/**
 * Why openapi.yaml is not simply handed to the YAML parser: V8 stores a string whose characters
 * all fit in one byte (Latin-1) one byte a character, any other two; a slice of a two-byte text
 * (a name the parser cuts out of the file) stays two-byte, and V8 keeps one copy of each property
 * name (it interns them). Parsed from a text with a single dash or arrow beyond Latin-1, the
 * spec's names (`X-Total-Count`, a response header; `quantity`, a body's field) became those
 * copies, and the same words met later were two-byte too: in the code, in a body JSON.parse
 * read, in what JSON.stringify wrote. Node writes a response's head and body as one string: with
 * one two-byte header name the whole 21 KB product list was encoded to UTF-8 from two bytes a
 * character, ~9% of the list's CPU (README, Performance). So the parser is given a text of
 * Latin-1 only: each character beyond it, and the marker itself, as `¤<hex>;`, put back in the
 * parsed strings afterwards.
 */
const MARKED = /[\u00a4\u0100-\uffff]/g;
const MARK = /\u00a4([0-9a-f]{1,4});/g;

function unmarked(text: string): string {
  return text.replace(MARK, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The parsed document's strings (and, should one hold a marker, its property names) as the file writes them. */
function withCharactersRestored(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\u00a4') ? unmarked(value) : value;
  if (Array.isArray(value)) return value.map(withCharactersRestored);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([name, inner]) => [unmarked(name), withCharactersRestored(inner)]));
}

/** openapi.yaml's text as a document, every name in it a one-byte string (see above). */
export function parseSpecText(text: string): unknown {
  // A byte-order mark (an editor may save one) goes first, as the YAML parser drops it: marked, it
  // would become the first name's text.
  const marked = text.replace(/^\uFEFF/, '').replace(MARKED, (character) => `\u00a4${character.charCodeAt(0).toString(16)};`);
  // What replace() returns is still two-byte (it was built from the two-byte text); decoding its
  // Latin-1 bytes makes a one-byte string of the same characters.
  const latin1 = Buffer.from(marked, 'latin1').toString('latin1');
  // CORE_SCHEMA: as the spec tools read it (a date-like text stays a string).
  return withCharactersRestored(load(latin1, { schema: CORE_SCHEMA }));
}

export async function loadSpec(specPath: string = SPEC_PATH): Promise<SpecOperation[]> {
  // Every $ref of openapi.yaml is within the document: nothing for the resolver to read.
  const document = (await dereference(parseSpecText(await readFile(specPath, 'utf8')) as object)) as Document;
  const operations: SpecOperation[] = [];
  for (const [template, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method] as (Omit<SpecOperation, 'method' | 'path'> & { operationId?: string }) | undefined;
      if (!operation) continue;
      if (!operation.operationId) throw new Error(`openapi.yaml: ${method.toUpperCase()} ${template} has no operationId`);
      // An operation's own parameter overrides the path's of the same name and location.
      const own = operation.parameters ?? [];
      const inherited = (item.parameters ?? []).filter((shared) => !own.some((p) => p.name === shared.name && p.in === shared.in));
      operations.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        path: template,
        parameters: [...own, ...inherited],
        ...(operation.requestBody ? { requestBody: operation.requestBody } : {}),
        security: operation.security ?? document.security ?? [],
      });
    }
  }
  return operations;
}
