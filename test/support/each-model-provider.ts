import { afterAll, beforeAll, describe } from 'vitest';
import { expectCleanRequests, startPolicyFollowingModel, type PolicyFollowingServer } from './openai-scenarios.ts';

export interface ModelProvider {
  name: 'offline' | 'openai';
  /** What a service on this provider needs in its environment. */
  environment(): Record<string, string>;
  /** The stand-in on the `openai` provider, undefined offline. */
  readonly model: PolicyFollowingServer | undefined;
  /** On the `openai` provider: the test asked the model (through the stand-in), and every request so far was clean (see `expectCleanRequests`). */
  verify(): void;
}

/**
 * Declare a suite twice: on the offline model, and on the `openai` provider through
 * @langchain/openai to the OpenAI-compatible stand-in playing a competent model
 * (`createPolicyFollowingModel`). The body is the same; only the model behind the service differs.
 * @example
 * describeOnEachProvider('refunds above the approval threshold', (provider) => {
 *   it('asks for approval', async () => { const server = await startTestServer(provider.environment()); ... });
 * });
 */
export function describeOnEachProvider(title: string, body: (provider: ModelProvider) => void): void {
  describe(`${title}, on the offline model`, () => {
    body({ name: 'offline', environment: () => ({}), model: undefined, verify: () => undefined });
  });
  describe(`${title}, on the openai provider with a policy-following model`, () => {
    let model: PolicyFollowingServer | undefined;
    let verified = 0;
    beforeAll(async () => {
      model = await startPolicyFollowingModel();
    });
    afterAll(async () => {
      await model?.close();
    });
    body({
      name: 'openai',
      environment: () => model!.environment,
      get model() {
        return model;
      },
      verify() {
        const asked = model!.chatRequests().length;
        if (asked === verified) throw new Error('the test never asked the model: it did not run on the openai provider');
        verified = asked;
        expectCleanRequests(model!);
      },
    });
  });
}
