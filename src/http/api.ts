// openapi-backend turns openapi.yaml into the router and the request validator. Every operation
// of the spec is dispatched here to the handler registered under its operationId; start-up fails
// when the spec and the handler table disagree.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Koa from 'koa';
import { OpenAPIBackend, type Context } from 'openapi-backend';
import addFormats from 'ajv-formats';
import { authenticate } from '../accounts/authenticate.js';
import type { Services } from '../services.js';
import { forbidden, HttpError, notAuthenticated } from './errors.js';
import { refuseUnstorableText } from './hostile-input.js';
import type { OperationId, OperationSpec, OperationTable } from './operation.js';
import { validationError } from './validation-errors.js';

export const SPEC_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../openapi.yaml');

export type Api = OpenAPIBackend;

function allowedMethods(api: Api, requestPath: string): string[] {
  const methods = api.router
    .getOperations()
    .filter(
      (candidate) =>
        api.router.matchOperation({ method: candidate.method, path: requestPath, headers: {} })?.operationId === candidate.operationId,
    )
    .map((candidate) => candidate.method.toUpperCase());
  if (methods.includes('GET')) methods.push('HEAD');
  return [...new Set(methods)];
}

function reply(ctx: Koa.Context, status: number, body: unknown, headers: Record<string, string> = {}): void {
  ctx.set(headers);
  ctx.status = status;
  if (status !== 204 && status !== 304) ctx.body = body;
}

function run<Op extends OperationId>(spec: OperationSpec<Op>, services: Services) {
  return async (c: Context, ctx: Koa.Context) => {
    // Only an operation with a security requirement has a user to load (its security handler
    // already did, memoised); a public one answers without the session lookup, even when the
    // storefront's cookies come along.
    const secured = Boolean(spec.staffOnly || c.operation.security?.length);
    const user = secured ? (await authenticate(ctx, services)).user : null;
    if (spec.staffOnly) {
      if (!user) throw notAuthenticated();
      if (!user.is_staff) throw forbidden('Only staff can do this.');
    }
    // openapi-backend validates coerced copies of the parameters but hands the handler the path
    // parameters as raw text ("1e3" passes as the integer 1000, then reaches SQL as "1e3"): the
    // handler gets the values the spec judged.
    const params = { ...c.request.params, ...(c.validation?.coerced?.params ?? {}) };
    const query = c.request.query;
    const body = c.request.requestBody;
    refuseUnstorableText(spec.opaqueBody ? { params, query } : { params, query, body });
    const result = await spec.handle({
      params: params as never,
      query: query as never,
      body: body as never,
      // Authenticated operations never get here without a user (the security handlers ran first).
      user: user as never,
      services,
      ctx,
    });
    reply(ctx, Number(result.status), result.body, result.headers);
  };
}

export async function createApi(table: OperationTable, services: Services): Promise<Api> {
  const api = new OpenAPIBackend({
    definition: SPEC_PATH,
    strict: true,
    validate: true,
    coerceTypes: true,
    // The spec keeps the original backend's trailing slashes; paths are matched exactly.
    ignoreTrailingSlashes: false,
    ajvOpts: { allErrors: true, verbose: true },
    customizeAjv: (ajv) => {
      addFormats.default(ajv);
      return ajv;
    },
  });
  await api.init();

  const specIds = new Set(api.router.getOperations().map((candidate) => candidate.operationId as string));
  const tableIds = Object.keys(table);
  const missing = [...specIds].filter((id) => !(id in table));
  const unknown = tableIds.filter((id) => !specIds.has(id));
  if (missing.length || unknown.length) {
    throw new Error(
      `openapi.yaml and the handlers disagree: ${missing.length ? `no handler for ${missing.join(', ')}` : ''}` +
        `${missing.length && unknown.length ? '; ' : ''}${unknown.length ? `not in the spec: ${unknown.join(', ')}` : ''}`,
    );
  }

  for (const [operationId, spec] of Object.entries(table)) {
    if (spec !== 'not-implemented') api.register(operationId, run(spec as OperationSpec<OperationId>, services));
  }

  const checkSession = async (_c: Context, ctx: Koa.Context) => {
    const result = await authenticate(ctx, services);
    return result.user !== null;
  };
  api.registerSecurityHandler('cookieAuth', checkSession);
  api.registerSecurityHandler('bearerAuth', checkSession);

  api.register({
    notFound: () => {
      throw new HttpError(404, 'not_found', 'Not found.');
    },
    methodNotAllowed: (c: Context) => {
      const allowed = allowedMethods(api, c.request.path);
      throw new HttpError(405, 'method_not_allowed', `Method "${c.request.method.toUpperCase()}" not allowed.`, {
        headers: { Allow: allowed.join(', ') },
      });
    },
    notImplemented: (c: Context) => {
      throw new HttpError(501, 'not_implemented', `${c.operation.operationId} is not implemented yet.`);
    },
    unauthorizedHandler: async (_c: Context, ctx: Koa.Context) => {
      const result = await authenticate(ctx, services);
      throw notAuthenticated(result.user === null ? result.reason : undefined);
    },
    validationFail: (c: Context) => {
      throw validationError(c.validation.errors ?? []);
    },
  });
  return api;
}

/** The operationIds the table marks as not implemented yet. */
export function pendingOperations(table: OperationTable): OperationId[] {
  return (Object.keys(table) as OperationId[]).filter((id) => table[id] === 'not-implemented');
}
