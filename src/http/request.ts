// What handlers see of a Koa request besides the spec's parameters (RequestInfo, UploadedFile),
// built here so that no domain module needs Koa's types.
import { isIP } from 'node:net';
import type Koa from 'koa';
import type { Cookies, RequestInfo, UploadedFile } from './operation.js';

/**
 * The client's address. With TRUST_PROXY it comes from X-Forwarded-For, which is only as good as
 * the proxy in front: text that is not an IP address (set by a client talking to the app
 * directly) counts as the connection's own address instead.
 */
function clientIp(ctx: Koa.Context): string {
  return isIP(ctx.ip) ? ctx.ip : (ctx.socket.remoteAddress ?? 'unknown');
}

/** The token of an `Authorization: Bearer <token>` header, if that is what the header holds. */
export function bearerToken(authorization: string): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
}

/** The body exactly as received (koa-body's includeUnparsed), for signatures over the raw bytes. */
function rawBody(ctx: Koa.Context): string | undefined {
  const raw = (ctx.request as { rawBody?: unknown }).rawBody;
  return typeof raw === 'string' ? raw : undefined;
}

function cookiesOf(ctx: Koa.Context): Cookies {
  return {
    get: (name) => ctx.cookies.get(name),
    set: (name, value, options) => {
      // The `cookies` library refuses to write a Secure cookie unless it believes the connection
      // is https. TLS usually ends at the reverse proxy, and Secure is an instruction to the
      // browser, so a cookie the application marks Secure is written as such whatever the hop was.
      if (options.secure) ctx.cookies.secure = true;
      ctx.cookies.set(name, value, { ...options, overwrite: true });
    },
  };
}

/**
 * A class, not an object literal, because of `rawBody`'s getter. An object literal with a getter
 * gets a hidden class of its own each time (the getter is a new closure), and V8 keeps hidden
 * classes in the old generation, where the young-generation collector cannot free what they
 * reach: the getter's request, its context and its answer (27 KB of product list) all outlived
 * their request and were copied to the old generation. Measured under load: 35 KB of each list
 * request promoted, the young generation grown to its maximum (128 MB) and RSS to 360 MB; with
 * the getter on the prototype, 5 KB (see the README's Performance, fourth round). ESLint refuses
 * accessors in object literals for that reason.
 */
class KoaRequestInfo implements RequestInfo {
  readonly ip: string;
  readonly url: string;
  readonly cookies: Cookies;
  readonly #ctx: Koa.Context;

  constructor(ctx: Koa.Context) {
    this.#ctx = ctx;
    this.ip = clientIp(ctx);
    this.url = ctx.originalUrl;
    this.cookies = cookiesOf(ctx);
  }

  header(name: string): string {
    return this.#ctx.get(name);
  }

  /** Read when asked: the body is parsed after the first middleware that asks for this object. */
  get rawBody(): string | undefined {
    return rawBody(this.#ctx);
  }
}

export function requestInfo(ctx: Koa.Context): RequestInfo {
  const state = ctx.state as { requestInfo?: RequestInfo };
  state.requestInfo ??= new KoaRequestInfo(ctx);
  return state.requestInfo;
}

interface FormidableFile {
  filepath: string;
  size: number;
}

/** The files of a multipart body, one entry per file. */
export function uploadedFiles(ctx: Koa.Context): UploadedFile[] {
  const files = (ctx.request.files ?? {}) as Record<string, FormidableFile | FormidableFile[]>;
  return Object.entries(files).flatMap(([field, given]) =>
    (Array.isArray(given) ? given : [given]).map((file) => ({ field, path: file.filepath, size: file.size })),
  );
}
