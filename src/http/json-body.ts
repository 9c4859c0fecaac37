// A response body is serialized once. Whoever needs a body's JSON text before the answer is
// written (an ETag computed over it) gets it here, and the answer sends that same text instead of
// having Koa serialize the body a second time. A body must not change once its text was taken.
// A body whose text was made elsewhere (by the database) comes as a JsonText and is sent as it is.

/**
 * The JSON text of a body of type `T`, already made (the catalogue's reads have PostgreSQL write
 * it): the answer sends it unchanged. Whoever makes one vouches that the text is JSON of type `T`;
 * the tests check every answer against openapi.yaml.
 */
export class JsonText<T> {
  /** Only a type: what the text stands for. */
  declare readonly standsFor?: T;
  constructor(readonly text: string) {}
}

const texts = new WeakMap<object, string>();

/** The JSON text of `value`, kept for the answer when `value` is an object or array. */
export function jsonText(value: unknown): string {
  if (value instanceof JsonText) return value.text;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? '';
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}

/** The text of a JsonText, or the text jsonText already made of this body, if any. */
export function serializedText(value: unknown): string | undefined {
  if (value instanceof JsonText) return value.text;
  return typeof value === 'object' && value !== null ? texts.get(value) : undefined;
}
