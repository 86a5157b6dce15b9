import { HumanMessage } from '@langchain/core/messages';
import { END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { buildRetrieverAnswerMessages, citedLabels, messageText } from '../agents/index.ts';
import { scanInputs } from '../tools/index.ts';
import { callModel, recordReprompt } from './call-model.ts';
import type { GraphDependencies } from './graph-dependencies.ts';
import type { Citation, SpecialistReport } from './handoff.ts';
import { readRunContext } from './run-context.ts';
import { searchTaskAndRequest } from './search-task-and-request.ts';
import { RetrieverState, type Passage } from './state.ts';

export interface RetrieverGraphOptions {
  /** Hits fetched from the backend before selection. */
  searchLimit?: number;
  /** Passages kept for the answer. */
  keep?: number;
  /** Minimum backend score for a passage to count as evidence (see retrieval's score scale). */
  minScore?: number;
}

const notCoveredText = 'The knowledge base does not cover this.';
/** The backend score a passage needs to count as evidence (see retrieval's score scale). */
export const defaultMinScore = 0.3;
const answerAttempts = 2;

/**
 * Retriever specialist: search the knowledge base for the task and for the customer's own
 * request, keep the passages that bear on them, answer with citations (document id and chunk)
 * or say it is not covered.
 * @example const graph = createRetrieverGraph({ models, retriever, tools, effects });
 */
export function createRetrieverGraph(
  dependencies: Pick<GraphDependencies, 'models' | 'retriever' | 'checkpointer' | 'store' | 'audit'>,
  options: RetrieverGraphOptions = {},
) {
  const { searchLimit = 8, keep = 4, minScore = defaultMinScore } = options;

  async function search(state: typeof RetrieverState.State, config: LangGraphRunnableConfig) {
    const { tenantId } = readRunContext(config);
    const hits = await searchTaskAndRequest(dependencies.retriever, { tenantId, task: state.task, request: state.request, limit: searchLimit });
    const passages: Passage[] = hits
      .filter((hit) => hit.score >= minScore)
      .slice(0, keep)
      .map((hit) => ({
        documentId: hit.documentId,
        chunkId: hit.chunkId,
        chunkIndex: hit.chunkIndex,
        source: hit.source,
        title: hit.title,
        text: hit.text,
        score: hit.score,
      }));
    if (passages.length > 0) return { passages };
    const report: SpecialistReport = {
      outcome: 'not_covered',
      summary: notCoveredText,
      citations: [],
      actions: [],
      reasons: [hits.length === 0 ? 'no passage matched' : `best match scored ${hits[0]!.score.toFixed(2)}, below ${minScore}`],
    };
    return { passages, report };
  }

  async function answer(state: typeof RetrieverState.State, config: LangGraphRunnableConfig) {
    const messages = buildRetrieverAnswerMessages({
      task: state.task,
      acceptanceCriteria: state.acceptanceCriteria,
      passages: state.passages,
    });
    let text = '';
    // An empty reply is asked again, once, with the problem named; a second one fails the step.
    for (let attempt = 1; attempt <= answerAttempts && !text; attempt += 1) {
      if (attempt > 1) {
        await recordReprompt(dependencies.audit, config, { role: 'retriever', attempt: attempt - 1, problem: 'empty reply' });
        messages.push(new HumanMessage('Your reply was empty. Answer the task from the passages, citing them, or say that the knowledge base does not cover it.'));
      }
      text = messageText(await callModel(dependencies.models.retriever, messages, { role: 'retriever', config, audit: dependencies.audit })).trim();
    }
    if (!text) {
      const report: SpecialistReport = { outcome: 'failed', summary: 'The answer model gave no answer.', citations: [], actions: [], reasons: [`${answerAttempts} empty replies from the answer model`] };
      return { report };
    }
    const citations = citationsIn(text, state.passages);
    const covered = citations.length > 0 || !/does not cover|not covered/i.test(text);
    // Passages that try to instruct the agent are reported, so nothing they say can widen what runs.
    const flags = scanInputs({
      passages: state.passages.map((passage) => ({ text: passage.text, origin: `${passage.documentId}#${passage.chunkIndex}` })),
    });
    const report: SpecialistReport = {
      outcome: covered ? 'answered' : 'not_covered',
      summary: text.slice(0, 1_500) || notCoveredText,
      citations,
      actions: [],
      reasons: flags.map((flag) => `${flag.origin ?? 'passage'} looks like an injection (${flag.rule})`),
      flags,
    };
    return { report };
  }

  return new StateGraph(RetrieverState)
    .addNode('search', search)
    .addNode('answer', answer)
    .addEdge(START, 'search')
    .addConditionalEdges('search', (state) => (state.report ? END : 'answer'), ['answer', END])
    .addEdge('answer', END)
    .compile({ checkpointer: dependencies.checkpointer, store: dependencies.store, name: 'retriever' });
}

/** The passages an answer actually cites, in citation order, each once. */
function citationsIn(answer: string, passages: Passage[]): Citation[] {
  const citations: Citation[] = [];
  for (const label of citedLabels(answer)) {
    const passage = passages.find(
      (candidate) => candidate.documentId === label.documentId && candidate.chunkIndex === label.chunkIndex,
    );
    if (!passage || citations.some((citation) => citation.chunkId === passage.chunkId)) continue;
    citations.push({
      documentId: passage.documentId,
      chunkId: passage.chunkId,
      chunkIndex: passage.chunkIndex,
      source: passage.source,
      title: passage.title,
      quote: passage.text.slice(0, 600),
    });
  }
  return citations;
}
