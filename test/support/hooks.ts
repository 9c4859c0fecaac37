// Mocha root hooks: before any test file, the run's database is created and migrated and the
// spec checker built (both slow on a busy machine, and neither is what the first test measures);
// the database is dropped once every test file is done.
import { specBackend } from '../../testing/spec.js';
import { dropTestDatabase, testDatabase } from './server.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(180_000);
    await Promise.all([testDatabase(), specBackend()]);
  },
  async afterAll() {
    await dropTestDatabase();
  },
};
