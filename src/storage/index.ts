export { openDatabase, inTransaction } from './sqlite-database.ts';
export type { OpenDatabaseOptions } from './sqlite-database.ts';
export { createStatementCache } from './statement-cache.ts';
export { groupCommit, flushGroupCommit } from './group-commit.ts';
export { startWalCheckpointer } from './wal-checkpointer.ts';
export type { WalCheckpointer, WalCheckpointerOptions } from './wal-checkpointer.ts';
export { fenceConfigKey, fenceOf, isFencedError, runFencedCommands, runFencedScript, withFence } from './redis-fence.ts';
export type { FencedScript, RedisCommand, RunFence } from './redis-fence.ts';
