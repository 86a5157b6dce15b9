import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPolicyFollowingModel, type PolicyFollowingServer } from './openai-scenarios.ts';
import { createTestHarness, userMessage, type TestHarness } from './test-services.ts';

const keys = { acme: 'acme-cache-key-0123456789abcdef', globex: 'globex-cache-key-0123456789abcdef' };
const apiKeys = JSON.stringify([
  { key: keys.acme, tenant: 'acme', scopes: ['*'], name: 'acme-admin' },
  { key: keys.globex, tenant: 'globex', scopes: ['*'], name: 'globex-admin' },
]);
const question = 'What is your refund policy for damaged items?';

interface Values {
  result: { status: string; answer: string; answerCache?: { hits: number } };
  steps: Array<{ specialist: string; outcome: string; cached?: boolean }>;
}

/**
 * The answer cache through the real Hono app on the `openai` provider (the stand-in counts the
 * answerer's requests): a repeated question is answered without the retriever's model call and
 * says so in the result, another tenant asking the same gets its own answer, and an ingestion
 * of the tenant's documents makes the next ask go to the model again.
 */
export function describeAnswerCacheScenario(name: string, backend: { environment(): Promise<Record<string, string>>; cleanup?(): Promise<void> }): void {
  describe(`answer cache through HTTP, ${name}`, () => {
    let model: PolicyFollowingServer;
    let harness: TestHarness;
    const answererCalls = () => model.chatRequests('answerer').length;

    async function ask(tenant: keyof typeof keys, text = question): Promise<Values> {
      const response = await harness.app.request('/runs/wait', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': keys[tenant] },
        body: JSON.stringify({ assistant_id: 'supervisor', input: userMessage(text) }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as Values;
    }

    async function ingest(tenant: keyof typeof keys) {
      const send = (method: string, path: string, body?: unknown) => harness.app.request(path, {
        method,
        headers: { 'x-api-key': keys[tenant], ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const started = await send('POST', '/ingest', {
        documents: [{ id: 'acme-damage-note', source: 'acme/damage.md', title: 'Damage photos', text: '# Damage photos\n\nSend a photo of the damaged item with your claim.' }],
      });
      expect(started.status).toBe(202);
      const job = (await started.json()) as { job_id: string };
      let status = '';
      for (let attempt = 0; attempt < 400 && status !== 'succeeded' && status !== 'failed'; attempt += 1) {
        status = ((await (await send('GET', `/ingest/${job.job_id}`)).json()) as { status: string }).status;
        if (status !== 'succeeded') await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(status).toBe('succeeded');
    }

    beforeAll(async () => {
      model = await startPolicyFollowingModel();
      harness = await createTestHarness({ ...model.environment, API_KEYS: apiKeys, ...(await backend.environment()) });
    });
    afterAll(async () => {
      await harness?.close();
      await model?.close();
      await backend.cleanup?.();
    });

    it('answers a repeated question from the cache, without the retriever\'s model call, and marks the result', async () => {
      const first = await ask('acme');
      expect(first.result.status).toBe('complete');
      expect(first.result.answerCache).toBeUndefined();
      expect(first.steps.find((step) => step.specialist === 'retriever')?.outcome).toBe('answered');
      const asked = answererCalls();
      expect(asked).toBe(1);

      const again = await ask('acme', '  what is your REFUND policy for damaged items ');
      expect(answererCalls()).toBe(asked);
      expect(again.result.answerCache).toEqual({ hits: 1 });
      expect(again.steps.find((step) => step.specialist === 'retriever')?.cached).toBe(true);
      expect(again.result.status).toBe('complete');
      expect(again.result.answer).toBe(first.result.answer);
    });

    it('never serves one tenant\'s cached answer to another', async () => {
      const before = answererCalls();
      const globex = await ask('globex');
      expect(answererCalls()).toBe(before + 1);
      expect(globex.result.answerCache).toBeUndefined();
    });

    it('asks the model again after the tenant\'s knowledge base was written', async () => {
      expect((await ask('acme')).result.answerCache).toEqual({ hits: 1 });
      await ingest('acme');
      const before = answererCalls();
      const fresh = await ask('acme');
      expect(answererCalls()).toBe(before + 1);
      expect(fresh.result.answerCache).toBeUndefined();
      // The new answer is cached under the new generation.
      expect((await ask('acme')).result.answerCache).toEqual({ hits: 1 });
      expect(answererCalls()).toBe(before + 1);
    });
  });
}
