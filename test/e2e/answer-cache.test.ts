import { describeAnswerCacheScenario } from '../support/answer-cache-scenario.ts';

describeAnswerCacheScenario('SQLite (embedded)', { environment: async () => ({}) });
