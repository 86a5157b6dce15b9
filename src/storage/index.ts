export { openDatabase, inTransaction } from './sqlite-database.ts';
export type { OpenDatabaseOptions } from './sqlite-database.ts';
export { createStatementCache } from './statement-cache.ts';
export { groupCommit, flushGroupCommit } from './group-commit.ts';
