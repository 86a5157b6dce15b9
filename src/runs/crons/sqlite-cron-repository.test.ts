import { openDatabase } from '../../storage/index.ts';
import { describeCronRepositoryContract } from './cron-repository-contract.ts';
import { createSqliteCronRepository } from './sqlite-cron-repository.ts';

describeCronRepositoryContract('sqlite', async (clock) => {
  const database = openDatabase(':memory:');
  return { repository: createSqliteCronRepository(database, clock), cleanup: async () => database.close() };
});
