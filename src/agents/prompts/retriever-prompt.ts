import { HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { messageText } from './router-prompt.ts';

export interface PromptPassage {
  documentId: string;
  chunkIndex: number;
  title?: string;
  /** Heading path of the passage, outermost first (the document title, then its sections). */
  headings?: string[];
  text: string;
}

const headingSeparator = ' › ';

export const retrieverSystemPrompt = `You answer from the knowledge-base passages given to you and from nothing else.
Cite every claim with the passage label in square brackets, exactly as given, e.g. [refund-policy#2].
If the passages do not answer the task, say plainly that the knowledge base does not cover it. Be brief and precise; keep numbers exactly as written.`;

export const citationLabel = (passage: Pick<PromptPassage, 'documentId' | 'chunkIndex'>): string =>
  `[${passage.documentId}#${passage.chunkIndex}]`;

/** Messages for the retriever's answer step: the task, then each passage under its citation label. */
export function buildRetrieverAnswerMessages(input: {
  task: string;
  acceptanceCriteria: string[];
  passages: PromptPassage[];
}): BaseMessage[] {
  const criteria = input.acceptanceCriteria.map((criterion) => `- ${criterion}`).join('\n');
  const sources = input.passages
    .map((passage) => `${citationLabel(passage)} ${passage.headings?.length ? passage.headings.join(headingSeparator) : (passage.title ?? '')}\n${passage.text}`)
    .join('\n\n');
  return [
    new SystemMessage(retrieverSystemPrompt),
    new HumanMessage(`Task: ${input.task}\n${criteria ? `Acceptance criteria:\n${criteria}\n` : ''}\nPassages:\n\n${sources}`),
  ];
}

const labelPattern = /^\[([^\]#\s]+)#(\d+)\]\s?(.*)$/;

/** Read back the task and passages that `buildRetrieverAnswerMessages` wrote; used by the offline answerer. */
export function readRetrieverPrompt(messages: BaseMessage[]): { task: string; passages: PromptPassage[] } {
  const human = messages.findLast((message) => HumanMessage.isInstance(message));
  const text = human ? messageText(human) : '';
  const task = /^Task: (.*)$/m.exec(text)?.[1] ?? '';
  const passages: PromptPassage[] = [];
  const body = text.split('\nPassages:\n\n')[1] ?? '';
  let current: PromptPassage | undefined;
  for (const line of body.split('\n')) {
    const label = labelPattern.exec(line);
    if (label) {
      const headings = label[3] ? label[3].split(headingSeparator) : [];
      current = { documentId: label[1]!, chunkIndex: Number(label[2]), title: headings[0] || undefined, headings, text: '' };
      passages.push(current);
    } else if (current) {
      current.text += (current.text ? '\n' : '') + line;
    }
  }
  return { task, passages: passages.map((passage) => ({ ...passage, text: passage.text.trim() })) };
}

/** Citation labels `[doc#n]` found in an answer. */
export function citedLabels(answer: string): Array<{ documentId: string; chunkIndex: number }> {
  return [...answer.matchAll(/\[([^\]#\s]+)#(\d+)\]/g)].map((match) => ({
    documentId: match[1]!,
    chunkIndex: Number(match[2]),
  }));
}
