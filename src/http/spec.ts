// openapi.yaml, read once at start-up: the document with every $ref resolved, and its operations
// as a flat list (path-level parameters merged into each operation's own). Nothing here runs per
// request.
import path from 'node:path';
import { dereference } from '@apidevtools/json-schema-ref-parser';
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

export async function loadSpec(specPath: string = SPEC_PATH): Promise<SpecOperation[]> {
  const document = (await dereference(specPath)) as Document;
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
