import type { DatabaseSync } from 'node:sqlite';

/** What every order tool needs: the database holding the orders tables, and "now". */
export interface OrderToolsDependencies {
  database: DatabaseSync;
  clock: () => Date;
}
