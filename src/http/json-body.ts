// A response body is serialized once. Whoever needs a body's JSON text before the answer is
// written (an ETag computed over it) gets it here, and the answer sends that same text instead of
// having Koa serialize the body a second time. A body must not change once its text was taken.
const texts = new WeakMap<object, string>();

/** The JSON text of `value`, kept for the answer when `value` is an object or array. */
export function jsonText(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? '';
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}

/** The text jsonText already made of this body, if any. */
export function serializedText(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? texts.get(value) : undefined;
}
