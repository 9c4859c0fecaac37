// How a domain declares an operation of the spec: a small object keyed by the spec's operationId,
// typed from generated/openapi.ts so a spec change that breaks a handler breaks the type check.
// The spec has already validated params, query and body before `handle` runs; handlers do not
// re-check what the spec states.
import type Koa from 'koa';
import type { operations } from '../../generated/openapi.js';
import type { Services } from '../services.js';
import type { SessionUser } from '../accounts/session-user.js';

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

/** What a handler answers: one of the operation's success responses, with its body type. */
export type Reply<Op extends OperationId> = {
  [S in SuccessStatus<Op>]: {
    status: S;
    body: ResponseBody<Responses<Op>[S]>;
    headers?: Record<string, string>;
  };
}[SuccessStatus<Op>];

export interface OperationInput<Op extends OperationId> {
  params: PathParams<Op>;
  query: QueryParams<Op>;
  body: JsonBody<Op>;
  /** The logged-in user when the operation is authenticated (the security handler guarantees it). */
  user: SessionUser;
  services: Services;
  ctx: Koa.Context;
}

export interface OperationSpec<Op extends OperationId> {
  /** Only staff users may call it (others get 403); implies authentication. */
  staffOnly?: boolean;
  /**
   * The body is opaque to the API (checked by a signature, not by the spec) and may hold any text:
   * it is exempt from the refusal of NUL characters and unpaired surrogates (see hostile-input.ts).
   */
  opaqueBody?: boolean;
  handle(input: OperationInput<Op>): Promise<Reply<Op>>;
}

/** `'not-implemented'` marks an operation of the spec whose handler a later change will write (501). */
export type OperationTable = { [Op in OperationId]?: OperationSpec<Op> | 'not-implemented' };

/** Declares one operation; keeps its literal operationId type for the handler's input. */
export function operation<Op extends OperationId>(spec: OperationSpec<Op>): OperationSpec<Op> {
  return spec;
}
