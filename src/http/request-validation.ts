// The request validators of every operation, compiled with ajv once at start-up. Per request one
// operation's two compiled functions run (body, then parameters); nothing is looked up by name or
// compiled on the way. Parameters are coerced to their schema's types in place ("1e3" becomes the
// integer 1000), so handlers get the values the spec judged, never the raw text.
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Schema, SpecOperation } from './spec.js';

/** Formats OpenAPI defines beyond JSON Schema's (ajv-formats knows the rest). */
const OPENAPI_FORMATS: Record<string, { type: 'number' | 'string'; validate: ((value: never) => boolean) | RegExp }> = {
  int32: { type: 'number', validate: (value: number) => value >= -(2 ** 31) && value < 2 ** 31 },
  int64: { type: 'number', validate: (value: number) => Number.isSafeInteger(value) },
  float: { type: 'number', validate: () => true },
  double: { type: 'number', validate: () => true },
  byte: { type: 'string', validate: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/ },
  binary: { type: 'string', validate: () => true },
  password: { type: 'string', validate: () => true },
};

function createAjv(options: Options): Ajv {
  // OpenAPI schemas carry keywords JSON Schema does not know (example, x-error-message...): not strict.
  const ajv = new Ajv({ strict: false, allErrors: true, verbose: true, ...options });
  addFormats.default(ajv);
  for (const [name, format] of Object.entries(OPENAPI_FORMATS)) ajv.addFormat(name, format as never);
  return ajv;
}

/** What a request gives to be validated; the parameter objects are the validator's to coerce. */
export interface RequestParts {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  header: Record<string, string>;
  cookie: Record<string, string>;
  body: unknown;
  /** The media type of the body, lower case, without parameters ('' when none). */
  mediaType: string;
}

export type RequestValidator = (parts: RequestParts) => ErrorObject[] | null;

/** The compilers shared by every operation: one ajv for bodies (as sent), one for parameters (coerced). */
export function requestValidatorCompiler(): (operation: SpecOperation) => RequestValidator {
  const bodies = createAjv({});
  const parameters = createAjv({ coerceTypes: true });
  return (operation) => compile(operation, bodies, parameters);
}

function objectOf(additionalProperties: boolean): {
  type: 'object';
  additionalProperties: boolean;
  properties: Record<string, Schema>;
  required: string[];
} {
  return { type: 'object', additionalProperties, properties: {}, required: [] };
}

/** The schema an operation's body is judged by: the JSON one when listed (form fields are coerced to it). */
export function bodySchemaOf(operation: SpecOperation): Schema | undefined {
  const content = operation.requestBody?.content ?? {};
  return (content['application/json'] ?? content['multipart/form-data'] ?? content['application/x-www-form-urlencoded'])?.schema;
}

function compile(operation: SpecOperation, bodies: Ajv, parameters: Ajv): RequestValidator {
  // Errors name their field by instance path (/requestBody/name, /query/limit): the wrappers below
  // give every location its name, and validation-errors.ts reads them.
  const bodySchema = bodySchemaOf(operation);
  let validateBody: ValidateFunction | undefined;
  if (bodySchema) {
    validateBody = bodies.compile({
      type: 'object',
      properties: { requestBody: bodySchema },
      required: operation.requestBody?.required ? ['requestBody'] : [],
    });
  }

  const locations = { path: objectOf(false), query: objectOf(false), header: objectOf(true), cookie: objectOf(true) };
  const arrayQueryParameters: string[] = [];
  for (const parameter of operation.parameters) {
    const target = locations[parameter.in];
    // Header names are case-insensitive: validated under their lower-case names.
    const name = parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name;
    target.properties[name] = parameter.schema ?? {};
    if (parameter.required) target.required.push(name);
    if (parameter.in === 'query' && parameter.schema?.type === 'array') arrayQueryParameters.push(name);
  }
  const validateParameters = parameters.compile({ type: 'object', properties: locations });

  return (parts) => {
    let errors: ErrorObject[] | null = null;
    if (validateBody) {
      // A body that was not sent is absent (and fails `required`), unless it was announced as JSON.
      const present = typeof parts.body === 'object' || parts.mediaType === 'application/json';
      if (!validateBody(present ? { requestBody: parts.body } : {})) errors = [...validateBody.errors!];
    }
    for (const name of arrayQueryParameters) {
      if (typeof parts.query[name] === 'string') parts.query[name] = [parts.query[name]];
    }
    if (!validateParameters({ path: parts.path, query: parts.query, header: parts.header, cookie: parts.cookie })) {
      errors = [...(errors ?? []), ...validateParameters.errors!];
    }
    return errors;
  };
}
