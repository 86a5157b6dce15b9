import { HumanMessage } from '@langchain/core/messages';
import { END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { buildRetrieverAnswerMessages, checkGrounding, chooseModelTier, citedLabels, messageText, selectModel } from '../agents/index.ts';
import type { SearchHit } from '../retrieval/index.ts';
import { callModel, recordReprompt } from './call-model.ts';
import type { GraphDependencies } from './graph-dependencies.ts';
import { specialistReportSchema, type Citation, type RetrievedPassage, type SpecialistReport } from '../contracts/index.ts';
import { recordAudit } from './record-audit.ts';
import { readRunContext } from './run-context.ts';
import { flagsOf, screenPassages, setAsideReasons } from './screen-passages.ts';
import { searchTaskAndRequest } from './search-task-and-request.ts';
import { streamToParent } from './stream-to-parent.ts';
import { RetrieverState, type Passage } from './state.ts';

export interface RetrieverGraphOptions {
  /** Hits fetched from the backend before selection. */
  searchLimit?: number;
  /** Passages kept for the answer. */
  keep?: number;
  /** Minimum backend score for a passage to count as evidence (see retrieval's score scale). */
  minScore?: number;
  /** Further sections of the best-matching document given beside the passages (0: none). */
  sectionsAdded?: number;
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
  dependencies: Pick<GraphDependencies, 'models' | 'retriever' | 'checkpointer' | 'store' | 'audit' | 'answerCache'>,
  options: RetrieverGraphOptions = {},
) {
  const { searchLimit = 8, keep = 4, minScore = defaultMinScore, sectionsAdded = 2 } = options;

  const { answerCache } = dependencies;
  const question = (state: typeof RetrieverState.State) => state.request || state.task;

  async function search(state: typeof RetrieverState.State, config: LangGraphRunnableConfig) {
    const { tenantId } = readRunContext(config);
    // Read before searching: an answer cached under it was computed from no newer write.
    const generation = answerCache && dependencies.retriever.generation ? await dependencies.retriever.generation(tenantId) : null;
    if (answerCache && generation !== null) {
      const cached = specialistReportSchema.safeParse(await answerCache.get(tenantId, { question: question(state), generation }));
      if (cached.success && cached.data.outcome === 'answered') {
        await recordAudit(dependencies.audit, config, 'retrieval.answer_cached', { task: state.task, generation, citations: cached.data.citations.map((citation) => `${citation.documentId}#${citation.chunkIndex}`) });
        // A stored answer was streamed under another run's id: this run's reply gets its own.
        const { messageId: _streamedElsewhere, ...answer } = cached.data;
        return { generation, report: { ...answer, cached: true } };
      }
    }
    const hits = await searchTaskAndRequest(dependencies.retriever, { tenantId, task: state.task, request: state.request, limit: searchLimit });
    const found = hits.map(toPassage);
    const screened = screenPassages(found.filter((passage) => passage.score >= minScore), { against: found });
    // Passages set aside stay in state, so the report can say what was read and why it was not used.
    const relevant = screened.passages.filter((passage) => !passage.setAside).slice(0, keep);
    const usable = [...relevant, ...(await sectionsOfBest(relevant, found, { tenantId, query: state.request || state.task }))];
    const passages = [...usable, ...screened.passages.filter((passage) => passage.setAside)];
    if (screened.setAside.length > 0) await recordAudit(dependencies.audit, config, 'retrieval.set_aside', { task: state.task, passages: screened.setAside });
    if (usable.length > 0) return { passages, generation };
    const best = hits[0] ? `best match scored ${hits[0].score.toFixed(2)}, below ${minScore}` : 'no passage matched';
    const report: SpecialistReport = {
      outcome: 'not_covered',
      summary: notCoveredText,
      citations: [],
      actions: [],
      reasons: screened.setAside.length > 0 ? screened.setAside : [best],
      flags: screened.flags,
      passages: passages.map(toRetrievedPassage),
    };
    return { passages, report };
  }

  /**
   * More sections of the best document, searched within it: the page whose introduction matched
   * "delivery times to Canada" gives the times a section further on, in words the question does not use.
   */
  async function sectionsOfBest(relevant: Passage[], found: Passage[], search: { tenantId: string; query: string }): Promise<Passage[]> {
    const best = relevant[0];
    if (!best || sectionsAdded === 0) return [];
    const hits = await dependencies.retriever.search({ ...search, limit: sectionsAdded + relevant.length, filter: { documentIds: [best.documentId] } });
    const known = new Set(relevant.map((passage) => `${passage.scope}:${passage.chunkId}`));
    const fresh = hits.map(toPassage).filter((passage) => passage.scope === best.scope && !known.has(`${passage.scope}:${passage.chunkId}`));
    return screenPassages(fresh, { against: found }).passages.filter((passage) => !passage.setAside).slice(0, sectionsAdded);
  }

  async function answer(state: typeof RetrieverState.State, config: LangGraphRunnableConfig) {
    const usable = state.passages.filter((passage) => !passage.setAside);
    const messages = buildRetrieverAnswerMessages({
      task: state.task,
      acceptanceCriteria: state.acceptanceCriteria,
      passages: usable,
    });
    let text = '';
    let messageId: string | undefined;
    // Asked for as the reply: its tokens stream as the run's own, under the id the reply keeps.
    const callConfig = state.streamAnswer ? streamToParent(config) : config;
    // An empty reply is asked again, once, with the problem named; a second one fails the step.
    for (let attempt = 1; attempt <= answerAttempts && !text; attempt += 1) {
      if (attempt > 1) {
        await recordReprompt(dependencies.audit, config, { role: 'retriever', attempt: attempt - 1, problem: 'empty reply' });
        messages.push(new HumanMessage('Your reply was empty. Answer the task from the passages, citing them, or say that the knowledge base does not cover it.'));
      }
      const selected = selectModel(dependencies.models, 'retriever', chooseModelTier({ step: 'answer', attempt }));
      const reply = await callModel(selected.model, messages, { role: 'retriever', config: callConfig, audit: dependencies.audit, tier: selected });
      text = messageText(reply).trim();
      messageId = reply.id;
    }
    if (!text) {
      const report: SpecialistReport = { outcome: 'failed', summary: 'The answer model gave no answer.', citations: [], actions: [], reasons: [`${answerAttempts} empty replies from the answer model`] };
      return { report };
    }
    const citations = citationsIn(text, usable);
    const covered = citations.length > 0 || !/does not cover|not covered/i.test(text);
    // Passages that try to instruct the agent are reported, so nothing they say can widen what runs.
    const flags = flagsOf(state.passages);
    const report: SpecialistReport = {
      outcome: covered ? 'answered' : 'not_covered',
      summary: text.slice(0, 1_500) || notCoveredText,
      // The streamed tokens are the reply only if the reply is all of them.
      ...(state.streamAnswer && messageId && text.length <= 1_500 ? { messageId } : {}),
      citations,
      actions: [],
      reasons: setAsideReasons(state.passages),
      flags,
      passages: state.passages.map(toRetrievedPassage),
    };
    if (answerCache && state.generation !== null && isCacheable(report, text, state.passages)) {
      // Without the id it was streamed under: a later run streams nothing of it (and a reply under a reused id would replace this one in the thread).
      const { messageId: _streamedHere, ...answer } = report;
      await answerCache.set(readRunContext(config).tenantId, { question: question(state), generation: state.generation }, answer);
    }
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

/**
 * Only a whole, grounded answer is cached: it cites passages, every citation and number holds
 * against the passages it came from, and nothing it read was flagged or set aside (an answer
 * shaped by a suspect passage is answered afresh each time).
 */
function isCacheable(report: SpecialistReport, text: string, passages: Passage[]): boolean {
  if (report.outcome !== 'answered' || (report.citations ?? []).length === 0) return false;
  if ((report.flags ?? []).length > 0 || passages.some((passage) => passage.setAside)) return false;
  const evidence = { retrieved: passages, cited: report.citations ?? [], toolResults: [] };
  return checkGrounding(text, evidence).length === 0;
}

function toPassage(hit: SearchHit): Passage {
  return {
    documentId: hit.documentId,
    chunkId: hit.chunkId,
    chunkIndex: hit.chunkIndex,
    source: hit.source,
    title: hit.title,
    headings: hit.headings,
    scope: hit.scope,
    text: hit.text,
    score: hit.score,
  };
}

function toRetrievedPassage(passage: Passage): RetrievedPassage {
  return {
    documentId: passage.documentId,
    chunkIndex: passage.chunkIndex,
    text: passage.text,
    ...(passage.scope ? { scope: passage.scope } : {}),
    ...(passage.setAside ? { setAside: passage.setAside } : {}),
  };
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
