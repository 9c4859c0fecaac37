// The /api/docs page, built ahead of time by `npm run build:docs`: Redoc's standalone bundle and
// the spec inlined into one HTML file, so the page loads nothing but itself and Redoc (with its
// React tree) is a build-time tool, not a runtime dependency. The server serves the built file;
// when it is missing or was built from another openapi.yaml, it renders the page itself, which
// works where Redoc is installed (development, tests).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { $RefParser } from '@apidevtools/json-schema-ref-parser';
import { SPEC_PATH } from '../http/spec.js';

export const DOCS_PAGE_PATH = path.join(path.dirname(SPEC_PATH), 'dist', 'api-docs.html');

/** The page records the digest of the spec it was built from, so a stale page is recognised. */
export function specDigestMarker(specYaml: string): string {
  return `<meta name="openapi-sha256" content="${createHash('sha256').update(specYaml).digest('hex')}">`;
}

/**
 * Inline script text must not close its element or open an HTML comment there: `</script`,
 * `<script` and `<!--` only occur inside string and regex literals of the bundle, where `\x3C` is
 * the same `<`.
 */
function inlineScript(text: string): string {
  return text.replace(/<(?=!--|\/?script)/gi, '\\x3C');
}

/**
 * The one remote asset Redoc's bundle loads by itself: the Redocly logo beside "API docs by
 * Redocly", from Redocly's CDN. The page loads nothing from elsewhere, so it becomes an empty image.
 */
const REDOC_CDN_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const EMPTY_SVG = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E";

/** The page from the spec (its text, and the document it parses to) and Redoc's standalone bundle. */
function pageHtml(specYaml: string, spec: object, redocBundle: string): string {
  // In JSON every `<` may be written `\u003c`, which closes nothing.
  const specJson = JSON.stringify(spec).replace(/</g, '\\u003c');
  const options = JSON.stringify({ expandResponses: '200,201', downloadDefinitionUrl: '/api/openapi.yaml' });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${specDigestMarker(specYaml)}
<title>Store Backend API</title>
<link rel="icon" href="data:,">
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<div id="redoc"></div>
<script>${inlineScript(redocBundle.replaceAll(REDOC_CDN_LOGO, EMPTY_SVG))}</script>
<script>Redoc.init(${specJson}, ${options}, document.getElementById('redoc'));</script>
</body>
</html>
`;
}

/** Renders the page from openapi.yaml with the installed Redoc. */
export async function renderDocsPage(): Promise<string> {
  const require = createRequire(import.meta.url);
  let bundlePath: string;
  try {
    bundlePath = require.resolve('redoc/bundles/redoc.standalone.js');
  } catch {
    throw new Error(
      `The docs page ${path.relative(process.cwd(), DOCS_PAGE_PATH)} is missing or was built from another openapi.yaml, and ` +
        'Redoc (a development dependency) is not installed to render it: run `npm run build:docs` where it is.',
    );
  }
  const specYaml = readFileSync(SPEC_PATH, 'utf8');
  // Unresolved: Redoc shows schemas by their component names.
  const spec = await $RefParser.parse(SPEC_PATH);
  return pageHtml(specYaml, spec, readFileSync(bundlePath, 'utf8'));
}

/** `npm run build:docs`: writes the page to DOCS_PAGE_PATH (atomically: a server reading it sees the old page or the new one). */
export async function buildDocsPage(): Promise<string> {
  const html = await renderDocsPage();
  mkdirSync(path.dirname(DOCS_PAGE_PATH), { recursive: true });
  const temporary = `${DOCS_PAGE_PATH}.${process.pid}.tmp`;
  writeFileSync(temporary, html);
  renameSync(temporary, DOCS_PAGE_PATH);
  return html;
}
