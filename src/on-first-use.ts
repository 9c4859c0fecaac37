// Work done once, when it is first needed, and shared by every caller after that: the integrations'
// SDKs and the transliteration tables are imported by the first request that uses one, so a server
// that never does never loads them (test/platform/lazy-sdks.test.ts holds every adapter to it).

/** `load`, run on the first call only; every call gets that one run's promise. */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}
