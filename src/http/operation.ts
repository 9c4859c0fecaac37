// How an operation of the spec is declared: a small object keyed by the spec's operationId, typed
// from generated/openapi.ts so a spec change that breaks a handler breaks the type check. The spec
// has already validated params, query, headers and body before `handle` runs; handlers do not
// re-check what the spec states. Nothing here knows Koa's types or any domain: what a handler gets
// besides the request is the application's environment (`Env`: its services and signed-in user).
import type { operations } from '../../generated/openapi.js';
import type { Logger } from '../log.js';
import type { JsonText } from './json-body.js';

export type OperationId = keyof operations;

type Get<T, K extends PropertyKey> = T extends Record<K, infer V> ? V : T extends Partial<Record<K, infer V>> ? V | undefined : undefined;

type Parameters<Op extends OperationId> = operations[Op]['parameters'];
export type PathParams<Op extends OperationId> = NonNullable<Get<Parameters<Op>, 'path'>>;
export type QueryParams<Op extends OperationId> = NonNullable<Get<Parameters<Op>, 'query'>>;
export type HeaderParams<Op extends OperationId> = NonNullable<Get<Parameters<Op>, 'header'>>;

type RequestContent<Op extends OperationId> = Get<Get<operations[Op], 'requestBody'>, 'content'>;
export type JsonBody<Op extends OperationId> = Get<NonNullable<RequestContent<Op>>, 'application/json'>;

type Responses<Op extends OperationId> = operations[Op]['responses'];
type SuccessStatus<Op extends OperationId> = Extract<keyof Responses<Op>, 200 | 201 | 202 | 204 | 304>;
type ResponseBody<R> = R extends { content: infer C } ? C[keyof C] : undefined;

/** What a handler answers: one of the operation's success responses, with its body (or its JSON text). */
export type Reply<Op extends OperationId> = {
  [S in SuccessStatus<Op>]: {
    status: S;
    body: ResponseBody<Responses<Op>[S]> | JsonText<ResponseBody<Responses<Op>[S]>>;
    headers?: Record<string, string>;
  };
}[SuccessStatus<Op>];

export interface CookieOptions {
  httpOnly: boolean;
  path: string;
  secure: boolean;
  sameSite: 'lax' | 'strict' | 'none';
  maxAge?: number | undefined;
  expires?: Date | undefined;
}

export interface Cookies {
  get(name: string): string | undefined;
  set(name: string, value: string, options: CookieOptions): void;
}

/** A file of a multipart body, on disk until the request ends (the body parser removes it then). */
export interface UploadedFile {
  /** The form field it came in. */
  field: string;
  path: string;
  size: number;
}

/** The parts of the request beyond the spec's parameters that some operations need. */
export interface RequestInfo {
  /** The client's address (behind a trusted proxy, the one it appended); always an IP address. */
  ip: string;
  /** Path and query as the client sent them (for links to neighbouring pages). */
  url: string;
  /** Any request header by its lower-case name, '' when absent. */
  header(name: string): string;
  cookies: Cookies;
  /** The body exactly as received, for signatures over the raw bytes. */
  rawBody: string | undefined;
}

/** What the application gives every handler: its services, and the user a signed-in request is for. */
export interface OperationEnv {
  services: unknown;
  user: { is_staff: boolean };
}

export interface OperationInput<Op extends OperationId, Env extends OperationEnv> {
  params: PathParams<Op>;
  query: QueryParams<Op>;
  headers: HeaderParams<Op>;
  body: JsonBody<Op>;
  files: UploadedFile[];
  request: RequestInfo;
  /** The request's logger: every line carries the request id. */
  log: Logger;
  /** The signed-in user when the operation is authenticated (the security check guarantees it). */
  user: Env['user'];
  services: Env['services'];
}

export interface OperationSpec<Op extends OperationId, Env extends OperationEnv> {
  /** Only staff users may call it (others get 403); implies authentication. */
  staffOnly?: boolean;
  /**
   * The body is opaque to the API (checked by a signature, not by the spec) and may hold any text:
   * it is exempt from the refusal of NUL characters and unpaired surrogates (see hostile-input.ts).
   */
  opaqueBody?: boolean;
  handle(input: OperationInput<Op, Env>): Promise<Reply<Op>>;
}

/** Every operation of the spec with its handler: one missing is a type error. */
export type OperationTable<Env extends OperationEnv> = { [Op in OperationId]: OperationSpec<Op, Env> };
