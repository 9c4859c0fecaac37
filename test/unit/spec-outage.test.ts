// Every operation that needs the database documents the outage answer (503 with Retry-After), so
// the contract tells clients what they get while PostgreSQL is unreachable, and the test client
// accepts it. Only what is served without the database may leave it out.
import { expect } from 'chai';
import { specBackend } from '../../testing/spec.js';

/** Served from the process alone: the spec, its rendered docs, locally stored image files. */
const WITHOUT_DATABASE = new Set(['getOpenApiSpec', 'getApiDocs', 'getMedia']);

describe('openapi.yaml: the outage answer', () => {
  it('is documented on every operation that needs the database, with Retry-After', async () => {
    const api = await specBackend();
    const missing: string[] = [];
    for (const operation of api.getOperations()) {
      if (WITHOUT_DATABASE.has(operation.operationId!)) continue;
      const answer = (operation.responses ?? {})['503'] as { headers?: Record<string, unknown> } | undefined;
      if (!answer?.headers?.['Retry-After']) missing.push(operation.operationId!);
    }
    expect(missing, 'operations without a 503 that carries Retry-After').to.deep.equal([]);
  });
});
