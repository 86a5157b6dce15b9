import { describeTenantIsolation } from './tenant-isolation-scenario.ts';

// The embedded default: every store in one SQLite file of a fresh temporary directory.
describeTenantIsolation('SQLite', { checkpointer: 'SqliteCheckpointSaver', environment: async () => ({}) });
