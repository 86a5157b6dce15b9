import { citationLabel, readRetrieverPrompt } from '../prompts/retriever-prompt.ts';
import { overlapScore, splitSentences } from '../text-similarity.ts';
import type { OfflinePolicy } from './offline-chat-model.ts';

const minimumSentenceScore = 0.2;
const sentencesInAnswer = 3;

/**
 * Offline answering is extractive: the sentences of the given passages that share the
 * most terms with the task, each followed by its citation label. It never writes a
 * sentence that is not in a passage.
 */
export const offlineAnswerPolicy: OfflinePolicy = ({ messages }) => {
  const { task, passages } = readRetrieverPrompt(messages);
  const candidates = passages.flatMap((passage, passageRank) =>
    splitSentences(passage.text.replaceAll('**', '')).map((sentence, position) => ({
      sentence,
      label: citationLabel(passage),
      // Earlier passages ranked higher in retrieval; break ties in their favour.
      score: overlapScore(task, sentence) - passageRank * 0.001 - position * 0.0001,
    })),
  );
  const chosen = candidates
    .filter((candidate) => candidate.score >= minimumSentenceScore)
    .sort((left, right) => right.score - left.score)
    .slice(0, sentencesInAnswer);
  if (chosen.length === 0) {
    return { content: 'The knowledge base does not cover this.' };
  }
  return { content: chosen.map((candidate) => `${candidate.sentence} ${candidate.label}`).join(' ') };
};
