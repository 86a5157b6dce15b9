import { isAppError } from '../errors.ts';

/**
 * Run a CLI command: `work` returns undefined on success or a usage text to print (exit 2).
 * Known errors print their message and details; anything else prints the error. Exit code 1.
 */
export async function runCommand(usage: string, work: () => Promise<string | undefined>): Promise<void> {
  try {
    const shown = await work();
    if (shown !== undefined) {
      console.error(shown === usage ? usage : shown);
      process.exitCode = 2;
    }
  } catch (error) {
    if (isAppError(error)) {
      console.error(`${error.code}: ${error.message}`);
      if (error.details !== undefined) console.error(JSON.stringify(error.details, null, 2));
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  }
}
