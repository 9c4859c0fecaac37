// The contract, served as written, and a documentation page rendered from it by Redoc. Redoc's
// standalone bundle comes from npm and is inlined into the page, so the docs work offline and
// nothing is loaded from a CDN.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SPEC_PATH } from '../http/spec.js';
import type { OperationTable } from '../services.js';

const require = createRequire(import.meta.url);

let spec: { yaml: string; etag: string } | undefined;
function specText() {
  if (!spec) {
    const yaml = readFileSync(SPEC_PATH, 'utf8');
    spec = { yaml, etag: `"${createHash('sha256').update(yaml).digest('base64url').slice(0, 27)}"` };
  }
  return spec;
}

let page: { html: string; csp: string } | undefined;
function docsPage() {
  if (!page) {
    const redoc = readFileSync(require.resolve('redoc/bundles/redoc.standalone.js'), 'utf8');
    // The nonce only has to be unguessable by content injected into this page; the page is static.
    const nonce = randomBytes(16).toString('base64');
    const safe = (text: string) => text.replace(/<\/script/gi, '<\\/script');
    const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Store Backend API</title>
<style nonce="${nonce}">body { margin: 0; padding: 0; }</style>
</head>
<body>
<div id="redoc"></div>
<script nonce="${nonce}">${safe(redoc)}</script>
<script nonce="${nonce}">Redoc.init(${safe(JSON.stringify('/api/openapi.yaml'))}, { hideDownloadButton: false, expandResponses: "200,201" }, document.getElementById('redoc'));</script>
</body>
</html>`;
    const csp = [
      "default-src 'self'",
      `script-src 'nonce-${nonce}'`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: https:",
      "font-src 'self' data:",
      "worker-src 'self' blob:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; ');
    page = { html, csp };
  }
  return page;
}

export const docsOperations = {
  getOpenApiSpec: {
    async handle() {
      const { yaml, etag } = specText();
      return {
        status: 200,
        body: yaml,
        headers: { 'Content-Type': 'application/yaml; charset=utf-8', ETag: etag, 'Cache-Control': 'public, max-age=300' },
      };
    },
  },
  getApiDocs: {
    async handle() {
      const { html, csp } = docsPage();
      return {
        status: 200,
        body: html,
        headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp, 'Cache-Control': 'public, max-age=300' },
      };
    },
  },
} satisfies Partial<OperationTable>;
