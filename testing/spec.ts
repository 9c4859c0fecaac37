// Checks a response against openapi.yaml: the status must be one the operation documents, the
// media type one it lists, the JSON body must match the schema and required headers be present.
// Every response the test client and the fuzzer receive goes through here.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, type Operation } from 'openapi-backend';
import { SPEC_PATH } from '../src/http/spec.js';

let backend: Promise<OpenAPIBackend> | undefined;
let errorSchema: ValidateFunction | undefined;

/** The shared Error schema, for answers that match no operation (404 for unknown paths, 405). */
async function errorValidator(): Promise<ValidateFunction> {
  if (!errorSchema) {
    const api = await specBackend();
    const schema = (api.definition.components?.schemas as Record<string, object>).Error!;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    errorSchema = ajv.compile(schema);
  }
  return errorSchema;
}

/**
 * Builds the checker (seconds of compiling on a busy machine). Done once before any test runs:
 * done lazily inside a test, it blocks the event loop of the in-process server long enough for
 * its keep-alive timer to close sockets the client is about to reuse.
 */
export function specBackend(): Promise<OpenAPIBackend> {
  backend ??= (async () => {
    const api = new OpenAPIBackend({
      definition: SPEC_PATH,
      strict: true,
      ignoreTrailingSlashes: false,
      ajvOpts: { allErrors: true },
      customizeAjv: (ajv) => {
        addFormats.default(ajv);
        return ajv;
      },
    });
    await api.init();
    return api;
  })();
  return backend;
}

export interface ReceivedResponse {
  method: string;
  path: string;
  status: number;
  headers: Headers;
  body: unknown;
}

type ResponseObject = { content?: Record<string, { schema?: unknown }>; headers?: Record<string, { required?: boolean }> };

function documentedResponse(operation: Operation, status: number): ResponseObject | undefined {
  const responses = (operation.responses ?? {}) as Record<string, ResponseObject>;
  return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
}

export async function specViolations(response: ReceivedResponse): Promise<string[]> {
  const api = await specBackend();
  const problems: string[] = [];
  // HEAD is answered as GET without a body.
  const head = response.method === 'HEAD';
  const operation = api.router.matchOperation({ method: head ? 'GET' : response.method, path: response.path.split('?')[0]!, headers: {} });
  const where = `${response.method} ${response.path} → ${response.status}`;
  const validateError = await errorValidator();
  const errorSchemaCheck = () => {
    if (!validateError(response.body)) problems.push(`${where}: body is not the Error schema: ${JSON.stringify(validateError.errors)}`);
  };
  // A CORS preflight is answered by the CORS middleware, outside the spec's operations.
  if (response.method === 'OPTIONS' && response.status === 204 && (response.body === undefined || response.body === '')) return problems;
  if (!operation) {
    if (response.status !== 404 && response.status !== 405) problems.push(`${where}: no operation matches and the status is not 404/405`);
    errorSchemaCheck();
    return problems;
  }
  if (response.status === 405) {
    errorSchemaCheck();
    return problems;
  }
  const documented = documentedResponse(operation, response.status);
  if (!documented) {
    problems.push(`${where}: status ${response.status} is not documented for ${operation.operationId}`);
    return problems;
  }
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const mediaTypes = Object.keys(documented.content ?? {});
  if (head) {
    if (response.body !== undefined && response.body !== '') problems.push(`${where}: a HEAD answer carries a body`);
  } else if (mediaTypes.length === 0) {
    if (response.body !== undefined && response.body !== '') problems.push(`${where}: documented without a body but one was sent`);
  } else if (!mediaTypes.includes(contentType)) {
    problems.push(`${where}: content type "${contentType}" is not one of ${mediaTypes.join(', ')}`);
  } else if (contentType === 'application/json') {
    const result = api.validator.validateResponse(response.body, operation, response.status);
    if (result.errors) problems.push(`${where}: body does not match the spec: ${JSON.stringify(result.errors)}`);
  }
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    if (header.required && !response.headers.has(name)) problems.push(`${where}: required header ${name} is missing`);
  }
  return problems;
}
