import { openDatabase } from '../storage/index.ts';
import { describeRunRepositoryContract } from './run-repository-contract.ts';
import { createSqliteRunRepository } from './sqlite-run-repository.ts';

describeRunRepositoryContract(
  'sqlite',
  async (clock) => {
    const database = openDatabase(':memory:');
    return { repository: createSqliteRunRepository(database, clock), cleanup: async () => database.close() };
  },

);
