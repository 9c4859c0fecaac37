// An HTTP client for tests with a cookie jar (like a browser with credentials: 'include') that
// checks every response it receives against openapi.yaml and fails the test on any mismatch.
import { expect } from 'chai';
import { specViolations, type ReceivedResponse } from '../../testing/spec.js';
import { CookieJar } from '../../testing/cookie-jar.js';

export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
  /** The raw body (for binary answers such as images). */
  bytes: Buffer;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (for malformed bodies, other media types, multipart; a stream for a body sent slowly). */
  rawBody?: string | Buffer | FormData | ReadableStream<Uint8Array>;
  headers?: Record<string, string>;
  /** The browser's Origin header sent with writes (default: the client's storefront origin; null: none). */
  origin?: string | null;
}

/** Fails the test unless openapi.yaml allows the response (and it carries X-Request-Id and is no unexpected 5xx). */
export async function expectAllowedBySpec(response: ReceivedResponse, text: string): Promise<void> {
  const { method, path, status, headers } = response;
  const problems = await specViolations(response);
  expect(problems, `response not allowed by openapi.yaml:\n${problems.join('\n')}`).to.deep.equal([]);
  expect(headers.get('x-request-id'), 'every response carries X-Request-Id').to.be.a('string');
  if (status >= 500 && status !== 502 && status !== 503) expect.fail(`${method} ${path} answered ${status}: ${text}`);
}

export const FRONTEND_ORIGIN = 'http://localhost:5173';

export class Client {
  readonly cookies = new CookieJar();

  constructor(
    readonly baseUrl: string,
    readonly defaultHeaders: Record<string, string> = {},
    /** The storefront origin its writes come from (the server's first FRONTEND_URL). */
    readonly origin: string = FRONTEND_ORIGIN,
  ) {}

  get<T = any>(path: string, options: RequestOptions = {}) {
    return this.request<T>('GET', path, options);
  }
  post<T = any>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...options, body });
  }
  put<T = any>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('PUT', path, { ...options, body });
  }
  patch<T = any>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('PATCH', path, { ...options, body });
  }
  delete<T = any>(path: string, options: RequestOptions = {}) {
    return this.request<T>('DELETE', path, options);
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...this.defaultHeaders };
    const cookie = this.cookies.header();
    if (cookie) headers.cookie = cookie;
    const origin = options.origin === undefined ? this.origin : options.origin;
    if (origin && method !== 'GET' && method !== 'HEAD') headers.origin = origin;
    let body: string | Buffer | FormData | ReadableStream<Uint8Array> | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    Object.assign(headers, options.headers);
    const streamed = body instanceof ReadableStream;
    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body as BodyInit | undefined,
      redirect: 'manual',
      // A streamed request body must say it is sent before the answer is read (fetch's rule).
      ...(streamed ? { duplex: 'half' } : {}),
    } as RequestInit);
    this.cookies.store(response.headers);
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.toString('utf8');
    const contentType = response.headers.get('content-type') ?? '';
    let parsed: unknown = text === '' ? undefined : text;
    if (contentType.startsWith('application/json') && text !== '') parsed = JSON.parse(text);
    await expectAllowedBySpec({ method, path, status: response.status, headers: response.headers, body: parsed }, text);
    return { status: response.status, headers: response.headers, body: parsed as T, text, bytes };
  }
}
