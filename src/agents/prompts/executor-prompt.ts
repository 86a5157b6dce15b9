import { HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { messageText } from './router-prompt.ts';

export const executorSystemPrompt = `You carry out the task by calling the tools you are given, one step at a time.
Only do what the task asks: never take an action the task does not request. Look facts up with read tools before you change anything.
Use exact identifiers and integer cents for money. If a tool reports invalid arguments, correct exactly the fields it names.
If a tool refuses an action, do not try to get around it. When done, reply in plain text with what you did, the identifiers and amounts, and anything you did not do and why.`;

/** The executor's opening messages: the task, its acceptance criteria and the context from earlier steps. */
export function buildExecutorMessages(input: { task: string; acceptanceCriteria: string[]; context: string }): BaseMessage[] {
  const criteria = input.acceptanceCriteria.map((criterion) => `- ${criterion}`).join('\n');
  return [
    new SystemMessage(executorSystemPrompt),
    new HumanMessage(
      `Task: ${input.task}\n` +
        (criteria ? `Acceptance criteria:\n${criteria}\n` : '') +
        (input.context ? `Context:\n${input.context}\n` : ''),
    ),
  ];
}

/** Read back the task and context; used by the offline executor. */
export function readExecutorTask(messages: BaseMessage[]): { task: string; context: string } {
  const human = messages.find((message) => HumanMessage.isInstance(message));
  const text = human ? messageText(human) : '';
  return {
    task: /^Task: (.*)$/m.exec(text)?.[1] ?? text,
    context: text.split('\nContext:\n')[1]?.trim() ?? '',
  };
}
