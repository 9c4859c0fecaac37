// openapi-backend turns openapi.yaml into the router and the request validator. Every operation
// of the spec is dispatched here to the handler registered under its operationId; start-up fails
// when the spec and the handler table disagree. Who a request comes from is the application's
// business: it is asked through `authenticate`, once per request, only for secured operations.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Koa from 'koa';
import { OpenAPIBackend, type Context } from 'openapi-backend';
import addFormats from 'ajv-formats';
import { forbidden, HttpError, notAuthenticated } from './errors.js';
import { refuseUnstorableText } from './hostile-input.js';
import type { OperationEnv, OperationId, OperationSpec, OperationTable } from './operation.js';
import { requestInfo, uploadedFiles } from './request.js';
import type { Api } from './routing.js';
import type { RequestInfo } from './operation.js';
import { validationError } from './validation-errors.js';

export const SPEC_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../openapi.yaml');

export type AuthResult<User> = { user: User } | { user: null; reason: string };

export interface ApiOptions<Env extends OperationEnv> {
  services: Env['services'];
  /** Who the request comes from: the signed-in user, or why there is none (the 401's message). */
  authenticate(request: RequestInfo): Promise<AuthResult<Env['user']>>;
}

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

/** The request's header parameters under the names the spec gives them. */
function declaredHeaders(c: Context, ctx: Koa.Context): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const parameter of c.operation.parameters ?? []) {
    if ('in' in parameter && parameter.in === 'header') {
      const value = ctx.get(parameter.name);
      if (value !== '') headers[parameter.name] = value;
    }
  }
  return headers;
}

export async function createApi<Env extends OperationEnv>(table: OperationTable<Env>, options: ApiOptions<Env>): Promise<Api> {
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

  // The security handlers of both schemes and the operation itself ask; the answer is worked out once.
  const authenticate = (ctx: Koa.Context): Promise<AuthResult<Env['user']>> => {
    const state = ctx.state as { auth?: Promise<AuthResult<Env['user']>> };
    state.auth ??= options.authenticate(requestInfo(ctx));
    return state.auth;
  };

  const run = <Op extends OperationId>(spec: OperationSpec<Op, Env>) => {
    return async (c: Context, ctx: Koa.Context) => {
      // Only an operation with a security requirement has a user to load (its security handler
      // already did, memoised); a public one answers without the session lookup, even when the
      // storefront's cookies come along.
      const secured = Boolean(spec.staffOnly || c.operation.security?.length);
      const user = secured ? (await authenticate(ctx)).user : null;
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
        headers: declaredHeaders(c, ctx) as never,
        body: body as never,
        files: uploadedFiles(ctx),
        request: requestInfo(ctx),
        log: ctx.state.log,
        // Authenticated operations never get here without a user (the security handlers ran first).
        user: user as never,
        services: options.services,
      });
      reply(ctx, Number(result.status), result.body, result.headers);
    };
  };

  for (const [operationId, spec] of Object.entries(table)) {
    api.register(operationId, run(spec as OperationSpec<OperationId, Env>));
  }

  const checkSession = async (_c: Context, ctx: Koa.Context) => (await authenticate(ctx)).user !== null;
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
    unauthorizedHandler: async (_c: Context, ctx: Koa.Context) => {
      const result = await authenticate(ctx);
      throw notAuthenticated('reason' in result ? result.reason : undefined);
    },
    validationFail: (c: Context) => {
      throw validationError(c.validation.errors ?? []);
    },
  });
  return api;
}
