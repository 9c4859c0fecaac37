// The cookies a browser would keep for the API: what Set-Cookie stores, replaces and expires (the
// test client, and the contract runner).
export class CookieJar extends Map<string, string> {
  /** The Cookie request header, or undefined when the jar is empty. */
  header(): string | undefined {
    return this.size ? [...this].map(([name, value]) => `${name}=${value}`).join('; ') : undefined;
  }

  store(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key, val] = attribute.split('=').map((part) => part.trim().toLowerCase());
        return (key === 'max-age' && Number(val) <= 0) || (key === 'expires' && Date.parse(val ?? '') < Date.now());
      });
      if (!value || expired) this.delete(name);
      else this.set(name, value);
    }
  }
}
