import { describeBudgets } from '../support/budget-scenarios.ts';

// Usage (and so budgets) in the embedded SQLite database.
describeBudgets('budgets on the SQLite usage store', () => ({}));
