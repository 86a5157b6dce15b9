import { openDatabase } from '../storage/index.ts';
import { describeAssistantRepositoryContract } from './assistant-repository-contract.ts';
import { createSqliteAssistantRepository } from './sqlite-assistant-repository.ts';

describeAssistantRepositoryContract('sqlite', async (clock) => {
  const database = openDatabase(':memory:');
  return { repository: createSqliteAssistantRepository(database, clock), cleanup: async () => database.close() };
});
