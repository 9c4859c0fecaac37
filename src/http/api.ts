// The API: every operation of openapi.yaml routed to the handler registered under its
// operationId; start-up fails when the spec and the handler table disagree. Everything an
// operation needs on the request path (its route, body parser, compiled validators, security
// requirement) is prepared here once, at start-up. Who a request comes from is the application's
// business: it is asked through `authenticate`, once per request, only for secured operations.
import type { RouterContext } from '@koa/router';
import type Koa from 'koa';
import { cachePolicy } from './cache-policy.js';
import { forbidden, notAuthenticated } from './errors.js';
import { refuseMalformedPathParameters, refuseUnstorableText } from './hostile-input.js';
import { bodyParsing } from './middleware.js';
import type { OperationEnv, OperationId, OperationSpec, OperationTable, RequestInfo } from './operation.js';
import { JsonText } from './json-body.js';
import { requestInfo, uploadedFiles } from './request.js';
import { bodySchemaOf, requestValidatorCompiler } from './request-validation.js';
import { parameterNames, routeTable, type OperationMiddleware } from './routing.js';
import { loadSpec, type SpecOperation } from './spec.js';
import { validationError } from './validation-errors.js';

export type AuthResult<User> = { user: User } | { user: null; reason: string };

export interface ApiOptions<Env extends OperationEnv> {
  services: Env['services'];
  /** Who the request comes from: the signed-in user, or why there is none (the 401's message). */
  authenticate(request: RequestInfo): Promise<AuthResult<Env['user']>>;
}

export interface Api {
  /** The middleware that routes, validates and answers every request for the API. */
  routes: Koa.Middleware;
  /** The spec's operations, as routed. */
  operations: readonly SpecOperation[];
}

function reply(ctx: Koa.Context, status: number, body: unknown, headers: Record<string, string> = {}): void {
  ctx.set(headers);
  ctx.status = status;
  if (status === 204 || status === 304) return;
  if (!(body instanceof JsonText)) {
    ctx.body = body;
    return;
  }
  ctx.type = 'application/json';
  ctx.body = body.text;
}

/** A copy of the query the validator may coerce in place (Koa keeps its parsed query per request). */
function queryOf(ctx: Koa.Context): Record<string, unknown> {
  // fromEntries defines own properties: a parameter named "__proto__" stays a parameter (and is refused as unknown).
  return Object.fromEntries(Object.entries(ctx.query).map(([name, value]) => [name, Array.isArray(value) ? [...value] : value]));
}

function checkTable(operations: SpecOperation[], table: object): void {
  const specIds = new Set(operations.map((operation) => operation.operationId));
  const missing = [...specIds].filter((id) => !(id in table));
  const unknown = Object.keys(table).filter((id) => !specIds.has(id));
  if (missing.length || unknown.length) {
    throw new Error(
      `openapi.yaml and the handlers disagree: ${missing.length ? `no handler for ${missing.join(', ')}` : ''}` +
        `${missing.length && unknown.length ? '; ' : ''}${unknown.length ? `not in the spec: ${unknown.join(', ')}` : ''}`,
    );
  }
}

export async function createApi<Env extends OperationEnv>(table: OperationTable<Env>, options: ApiOptions<Env>): Promise<Api> {
  const operations = await loadSpec();
  checkTable(operations, table);
  const compileValidator = requestValidatorCompiler();

  // Asked by the security check and by the handler's `user`: worked out once per request.
  const authenticate = (ctx: Koa.Context): Promise<AuthResult<Env['user']>> => {
    const state = ctx.state as { auth?: Promise<AuthResult<Env['user']>> };
    state.auth ??= options.authenticate(requestInfo(ctx));
    return state.auth;
  };

  const operationMiddleware = (operation: SpecOperation): OperationMiddleware => {
    const spec = table[operation.operationId as OperationId] as OperationSpec<OperationId, Env>;
    const pathParameters = parameterNames(operation.path);
    const validate = compileValidator(operation);
    // A security requirement of no scheme (`{}`) makes signing in optional.
    const signInRequired = operation.security.length > 0 && !operation.security.some((requirement) => !Object.keys(requirement).length);
    // Only an operation with a security requirement has a user to load; a public one answers
    // without the session lookup, even when the storefront's cookies come along.
    const loadsUser = Boolean(spec.staffOnly) || operation.security.length > 0;
    const headerParameters = operation.parameters.filter((parameter) => parameter.in === 'header').map(({ name }) => name);
    const cookieParameters = operation.parameters.filter((parameter) => parameter.in === 'cookie').map(({ name }) => name);

    const answer = async (ctx: RouterContext): Promise<void> => {
      refuseMalformedPathParameters(pathParameters, ctx.captures ?? []);
      let user: Env['user'] | null = null;
      if (loadsUser) {
        const result = await authenticate(ctx);
        user = result.user;
        if (signInRequired && !result.user) throw notAuthenticated('reason' in result ? result.reason : undefined);
      }

      const params: Record<string, unknown> = { ...ctx.params };
      const query = queryOf(ctx);
      const header: Record<string, string> = {};
      const headers: Record<string, string> = {};
      for (const name of headerParameters) {
        const value = ctx.get(name);
        if (ctx.req.headers[name.toLowerCase()] !== undefined) header[name.toLowerCase()] = value;
        // The handler gets them under the spec's names.
        if (value !== '') headers[name] = value;
      }
      const cookie: Record<string, string> = {};
      for (const name of cookieParameters) {
        const value = ctx.cookies.get(name);
        if (value !== undefined) cookie[name] = value;
      }
      const body = (ctx.request as { body?: unknown }).body;
      const errors = validate({ path: params, query, header, cookie, body, mediaType: ctx.request.type.trim().toLowerCase() });
      if (errors) throw validationError(errors);

      if (spec.staffOnly) {
        if (!user) throw notAuthenticated();
        if (!user.is_staff) throw forbidden('Only staff can do this.');
      }
      refuseUnstorableText(spec.opaqueBody ? { params, query } : { params, query, body });
      const result: { status: number; body?: unknown; headers?: Record<string, string> } = await spec.handle({
        params: params as never,
        query: query,
        headers: headers,
        body: body as never,
        files: uploadedFiles(ctx),
        request: requestInfo(ctx),
        log: ctx.state.log,
        // Operations that require a session never get here without a user.
        user: user as never,
        services: options.services,
      });
      reply(ctx, Number(result.status), result.body, result.headers);
    };

    const parse = operation.requestBody ? bodyParsing(operation.requestBody.content, bodySchemaOf(operation)) : undefined;
    const run = cachePolicy(loadsUser, (ctx: RouterContext) => (parse ? (parse(ctx, () => answer(ctx)) as Promise<void>) : answer(ctx)));
    return (ctx) => {
      // Which operation a request was routed to, for whoever counts requests (the metrics).
      ctx.state.operationId = operation.operationId;
      return run(ctx);
    };
  };

  const routes = routeTable(
    operations.map((operation) => ({ path: operation.path, method: operation.method, run: operationMiddleware(operation) })),
  );
  return { routes, operations };
}
