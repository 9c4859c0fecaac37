// A fetch for clients other than the test client (the storefront client kit): it keeps cookies
// like a browser with `credentials: 'include'` and checks every response against openapi.yaml
// exactly as the test client does.
import { expectAllowedBySpec } from './client.js';
import { CookieJar } from '../../testing/cookie-jar.js';

export function specCheckedFetch(jar = new CookieJar()): (request: Request) => Promise<Response> {
  return async (request) => {
    const cookie = jar.header();
    const sent = new Request(request, { redirect: 'manual' });
    if (cookie) sent.headers.set('cookie', cookie);
    const response = await fetch(sent);
    jar.store(response.headers);
    const text = await response.clone().text();
    const json = (response.headers.get('content-type') ?? '').startsWith('application/json') && text !== '';
    const url = new URL(request.url);
    await expectAllowedBySpec(
      {
        method: request.method,
        path: url.pathname + url.search,
        status: response.status,
        headers: response.headers,
        body: json ? JSON.parse(text) : text || undefined,
      },
      text,
    );
    return response;
  };
}
