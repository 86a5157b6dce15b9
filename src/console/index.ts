export { buildConsole, consoleBundle, type ConsoleBundle } from './build-console.ts';
