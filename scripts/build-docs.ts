// `npm run build:docs`: renders the /api/docs page (Redoc's bundle and the spec inlined) into
// dist/api-docs.html, so a deployment serves it without Redoc installed.
import path from 'node:path';
import { buildDocsPage, DOCS_PAGE_PATH } from '../src/platform/docs-page.js';

const html = await buildDocsPage();
console.log(`${path.relative(process.cwd(), DOCS_PAGE_PATH)}: ${Math.round(html.length / 1024)} KiB`);
