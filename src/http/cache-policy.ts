// Who may keep an answer. An answer that depends on who asks (an operation with a security
// requirement: me, the cart, the wishlist, my orders, addresses) or that carries Set-Cookie
// (login, registration, refresh, logout) must never be stored by a browser's or a proxy's cache:
// `Cache-Control: no-store`, whatever the status, also on errors. Every other answer is
// `no-store` too unless its handler chose a policy itself (the catalogue, the docs, media), so
// an operation added later is private until someone decides otherwise — a token in a body, say.
import type Koa from 'koa';

export function cachePolicy<Ctx extends Koa.Context>(personal: boolean, run: (ctx: Ctx) => Promise<void>): (ctx: Ctx) => Promise<void> {
  const decide = (ctx: Ctx): void => {
    if (personal || ctx.response.get('Set-Cookie') || !ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'no-store');
  };
  return async (ctx) => {
    try {
      await run(ctx);
    } finally {
      decide(ctx);
    }
  };
}
