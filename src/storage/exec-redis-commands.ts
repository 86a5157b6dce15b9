import type { ChainableCommander } from 'ioredis';

/**
 * Runs a pipeline or MULTI and returns the replies. ioredis resolves with one
 * `[error, reply]` pair per command; any error, or an aborted transaction, fails the call.
 */
export async function execCommands(commands: ChainableCommander): Promise<unknown[]> {
  const results = await commands.exec();
  if (results === null) throw new Error('Redis transaction was aborted');
  const failed = results.find(([error]) => error !== null);
  if (failed) throw failed[0];
  return results.map(([, reply]) => reply);
}
