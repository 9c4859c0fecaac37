// Mocha root hooks: the run's database is dropped once every test file is done.
import { dropTestDatabase } from './server.js';

export const mochaHooks = {
  async afterAll() {
    await dropTestDatabase();
  },
};
