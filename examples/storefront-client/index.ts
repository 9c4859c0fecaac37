// A typed client of this API for a storefront (in the browser) or any TypeScript program:
// openapi-fetch over the types openapi-typescript compiles from openapi.yaml (generated/). Paths,
// parameters, bodies and answers are checked by the compiler, so a contract change that breaks a
// caller breaks its build. Copy this folder next to your own generated types (`npx
// openapi-typescript https://<api>/api/openapi.yaml -o src/api.d.ts`) or use it as it is.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../generated/openapi.js';

/** The one error shape of every 4xx and 5xx answer. */
export type ApiErrorBody = components['schemas']['Error'];
export type CreateOrderRequest = components['schemas']['CreateOrderRequest'];

export interface StorefrontClientOptions {
  /** The API's origin, e.g. `https://api.example.com`. */
  baseUrl: string;
  /**
   * How requests are authenticated. `'cookies'` (the default): the HttpOnly session cookies that
   * login, registration and Google sign-in set, sent with `credentials: 'include'`: what a
   * browser storefront does; the API grants CORS with credentials to its `FRONTEND_URL` origins.
   * `{ bearer }`: an access token sent as `Authorization: Bearer` (apps, scripts, server-side
   * rendering); no cookies are sent, and the CSRF rule does not apply.
   */
  auth?: 'cookies' | { bearer: () => string | undefined };
  /**
   * Outside a browser only: the Origin sent with writes when authenticating with cookies. The API
   * refuses a write that carries a session cookie unless it comes from one of its `FRONTEND_URL`
   * origins (CSRF). A browser sends Origin itself, and forbids setting it.
   */
  origin?: string;
  /** Another fetch (a cookie jar outside the browser, instrumentation, tests). */
  fetch?: (request: Request) => Promise<Response>;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function createStorefrontClient(options: StorefrontClientOptions) {
  const auth = options.auth ?? 'cookies';
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    credentials: auth === 'cookies' ? 'include' : 'omit',
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const session: Middleware = {
    onRequest({ request }) {
      if (auth === 'cookies') {
        if (options.origin && WRITES.has(request.method)) request.headers.set('Origin', options.origin);
      } else {
        const token = auth.bearer();
        if (token) request.headers.set('Authorization', `Bearer ${token}`);
      }
      return request;
    },
  };
  client.use(session);

  return Object.assign(client, {
    /**
     * `POST /api/orders/create/` with an `Idempotency-Key`. Use one key per checkout attempt and
     * pass the same key again to retry that attempt (a double-clicked "Place order", an answer
     * lost to the network): the API answers the first result instead of placing a second order.
     */
    placeOrder(body: CreateOrderRequest, idempotencyKey: string = crypto.randomUUID()) {
      return client.POST('/api/orders/create/', { body, params: { header: { 'Idempotency-Key': idempotencyKey } } });
    },
  });
}

/** A 4xx or 5xx answer, with the API's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.error);
    this.name = 'ApiError';
  }

  /** Per-field validation messages (`fields.email`), as forms show them. */
  fieldMessages(field: string): string[] {
    return this.body.fields?.[field] ?? [];
  }
}

/** The data of a successful answer, or an ApiError: `const me = await ok(api.GET('/api/auth/me/'))`. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw new ApiError(response.status, error as ApiErrorBody);
  return data as T;
}
