// The contract, served as written, and the documentation page built from it (docs-page.ts): one
// self-contained HTML file, so the docs work offline and nothing is loaded from a CDN.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SPEC_PATH } from '../http/spec.js';
import type { OperationTable } from '../services.js';
import { DOCS_PAGE_PATH, renderDocsPage, specDigestMarker } from './docs-page.js';

let spec: { yaml: string; etag: string } | undefined;
function specText() {
  if (!spec) {
    const yaml = readFileSync(SPEC_PATH, 'utf8');
    spec = { yaml, etag: `"${createHash('sha256').update(yaml).digest('base64url').slice(0, 27)}"` };
  }
  return spec;
}

function builtPage(): string | undefined {
  try {
    return readFileSync(DOCS_PAGE_PATH, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The page's inline scripts are allowed by their hashes: the page is static, a nonce would be too. */
function contentSecurityPolicy(html: string): string {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    ([, text]) => `'sha256-${createHash('sha256').update(text!).digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    `script-src ${scripts.join(' ')}`,
    // Redoc's styled-components inject <style> elements at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    // Redoc's search index runs in a worker started from a blob: URL.
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

let page: Promise<{ html: string; csp: string }> | undefined;
function docsPage() {
  page ??= (async () => {
    const built = builtPage();
    const html = built?.includes(specDigestMarker(specText().yaml)) ? built : await renderDocsPage();
    return { html, csp: contentSecurityPolicy(html) };
  })().catch((error: unknown) => {
    page = undefined;
    throw error;
  });
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
      const { html, csp } = await docsPage();
      return {
        status: 200,
        body: html,
        headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp, 'Cache-Control': 'public, max-age=300' },
      };
    },
  },
} satisfies Partial<OperationTable>;
