import { openDatabase } from '../../storage/index.ts';
import { describeApprovalStoreConformance } from './approval-store-conformance.ts';
import { createSqliteApprovalStore } from './sqlite-approval-store.ts';

describeApprovalStoreConformance('createSqliteApprovalStore', async (clock) =>
  createSqliteApprovalStore(openDatabase(':memory:', { vectors: false }), { clock }));
