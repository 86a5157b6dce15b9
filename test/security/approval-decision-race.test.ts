import { describe } from 'vitest';
import { itDecidesApprovalRacesOneWay } from '../support/approval-decision-race.ts';

describe('an approval decision racing a new message on its thread (SQLite)', () => {
  itDecidesApprovalRacesOneWay({}, 40);
});
