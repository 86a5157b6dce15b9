import { reply, type ChatBehaviour, type ChatCompletionRequest } from '../openai-compatible-server.ts';
import { sharedWords, textOf } from './read-request.ts';

const sentencesInAnswer = 2;
// Sharing fewer words than this with the task, a sentence does not answer it.
const minimumSharedWords = 2;
// Words that say what to do with the passages, not what the question is about.
const instructionWords = /\b(answer\w*|questions?|customers?|asks?|knowledge|base|cit\w+|passages?|help|articles?|find|says?|quote|appl\w+|govern\w*|wrote|message|our|policies|policy)\b/gi;

/**
 * The answerer as a careful model plays it: it finds the task and the labelled passages in
 * the prompt, answers with the passage sentences that bear on the task, each followed by its
 * label, and says the knowledge base does not cover it when none does. Nothing it writes is
 * outside the passages.
 */
export function answer(request: ChatCompletionRequest): ChatBehaviour {
  const prompt = textOf(request.messages.findLast((message) => message.role === 'user')?.content);
  const task = (/^Task: (.*)$/m.exec(prompt)?.[1] ?? prompt).replace(instructionWords, ' ');
  const passages = passagesOf(prompt);
  const candidates = passages.flatMap((passage, rank) =>
    sentencesOf(passage.text).map((sentence, position) => ({ sentence, label: passage.label, score: sharedWords(task, sentence) - rank * 0.01 - position * 0.001 })),
  );
  const chosen = candidates.filter((candidate) => candidate.score >= minimumSharedWords - 0.5).sort((left, right) => right.score - left.score).slice(0, sentencesInAnswer);
  if (chosen.length === 0) return reply.text('The knowledge base does not cover this.');
  return reply.text(chosen.map((candidate) => `${candidate.sentence} ${candidate.label}`).join(' '));
}

/** Each passage under its label line, "[refund-policy#2] Refund policy", until the next label. */
function passagesOf(prompt: string): Array<{ label: string; text: string }> {
  const passages: Array<{ label: string; text: string }> = [];
  for (const line of prompt.split('\n')) {
    const label = /^(\[[^\]#\s]+#\d+\])/.exec(line)?.[1];
    if (label) passages.push({ label, text: '' });
    else if (passages.length > 0) passages.at(-1)!.text += `${line}\n`;
  }
  return passages;
}

function sentencesOf(text: string): string[] {
  return text
    .replaceAll('**', '')
    .split(/\n+|(?<=[.!?])\s+(?=[A-Z])/)
    .map((sentence) => sentence.replace(/^[#>*\-\s]+/, '').trim())
    .filter((sentence) => sentence.length > 20 && /[.!?:]$/.test(sentence));
}
