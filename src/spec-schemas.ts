// The spec is the only source of rules, also outside HTTP requests: the catalogue import and
// createsuperuser check their input against the same component schemas of openapi.yaml the API
// validates requests with (ProductInput, RegisterRequest), with the same messages per field.
import { dereference } from '@apidevtools/json-schema-ref-parser';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { components } from '../generated/openapi.js';
import { SPEC_PATH } from './http/spec.js';
import type { FieldErrors } from './http/errors.js';
import { validationError } from './http/validation-errors.js';

export type SchemaName = keyof components['schemas'];

export type SchemaCheck<T> = { ok: true; value: T } | { ok: false; fields: FieldErrors };

let validators: Promise<(name: SchemaName) => ValidateFunction> | undefined;

function loadValidators(): Promise<(name: SchemaName) => ValidateFunction> {
  validators ??= (async () => {
    const spec = (await dereference(SPEC_PATH)) as { components: { schemas: Record<string, object> } };
    // Like the request validation: every error reported, formats checked, the spec's own
    // keywords (x-error-message, example...) allowed.
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
    addFormats.default(ajv);
    const compiled = new Map<SchemaName, ValidateFunction>();
    return (name) => {
      let validate = compiled.get(name);
      if (!validate) {
        validate = ajv.compile(spec.components.schemas[name]!);
        compiled.set(name, validate);
      }
      return validate;
    };
  })();
  return validators;
}

/** Checks `value` against the named component schema of openapi.yaml; field messages as the API words them. */
export async function checkAgainstSchema<Name extends SchemaName>(
  name: Name,
  value: unknown,
): Promise<SchemaCheck<components['schemas'][Name]>> {
  const validate = (await loadValidators())(name);
  if (validate(value)) return { ok: true, value: value as components['schemas'][Name] };
  return { ok: false, fields: validationError(validate.errors ?? []).fields ?? {} };
}
