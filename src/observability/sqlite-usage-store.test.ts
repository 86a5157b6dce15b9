import { openDatabase } from '../storage/index.ts';
import { createSqliteUsageStore } from './sqlite-usage-store.ts';
import { describeUsageStoreContract } from './usage-store-conformance.ts';

describeUsageStoreContract('sqlite', async () => {
  const database = openDatabase(':memory:');
  return { store: createSqliteUsageStore(database), cleanup: async () => database.close() };
});
