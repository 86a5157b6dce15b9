import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HumanMessage } from '@langchain/core/messages';
import { loadConfig } from '../config.ts';
import { messageText } from '../agents/index.ts';
import { groundingEvidenceOf, type RunResult, type Step } from '../graphs/index.ts';
import { createServices } from '../services.ts';
import { runCommand } from './run-command.ts';
import { parseAnswerCases, scoreAnswers } from './score-answers.ts';

const usage = `Usage: npm run eval:answers -- [--questions data/eval/answers.jsonl] [--docs <dir>] [--use-env] [--misses]

Asks the supervisor every labelled question, on a fresh embedded service (temporary SQLite,
the knowledge base in <dir>, default the sample one) and prints answer-level figures as JSON:
the share of answers holding the expected facts, citing an expected document, whose citations
all resolve to passages retrieved in the run, that pass the grounding check (citations and
numbers), covered questions answered "not covered", and answers repeating a sentence.
The models are the offline ones unless --use-env (then the environment's, e.g. OPENAI_API_KEY).
--misses lists each question that missed with its answer.`;

await runCommand(usage, async () => {
  const { values } = parseArgs({
    options: {
      questions: { type: 'string', default: 'data/eval/answers.jsonl' },
      docs: { type: 'string' },
      'use-env': { type: 'boolean', default: false },
      misses: { type: 'boolean', default: false },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return usage;
  const cases = parseAnswerCases(await readFile(values.questions, 'utf8'), values.questions);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'overseer-eval-answers-'));
  const environment = values['use-env'] ? { ...process.env } : {};
  const config = loadConfig({ ...environment, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...(values.docs ? { KNOWLEDGE_BASE_DIR: values.docs } : {}) });
  const services = await createServices(config, { recoverRuns: false });
  try {
    const results = [];
    for (const labelled of cases) {
      const state = (await services.graphs.supervisor.invoke(
        { messages: [new HumanMessage(labelled.question)] },
        { configurable: { thread_id: randomUUID(), tenant_id: 'default' } },
      )) as { messages: HumanMessage[]; steps: Step[]; result: RunResult | null };
      const last = state.messages.at(-1);
      results.push({
        labelled,
        answered: { answer: last ? messageText(last) : '', status: state.result?.status ?? 'none', evidence: groundingEvidenceOf(state.steps) },
      });
    }
    const { misses, ...figures } = scoreAnswers(results);
    console.log(JSON.stringify(values.misses ? { ...figures, misses } : { ...figures, missed: misses.length }, null, 2));
  } finally {
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return undefined;
});
