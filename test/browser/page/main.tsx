import { useStream } from '@langchain/langgraph-sdk/react';
import { useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

/*
 * A small chat page as people write them with the SDK's React hook: it asks, renders the
 * streamed answer, rejoins a run after a reload (`reconnectOnMount`), shows a LangChain
 * human-in-the-loop interrupt with approve, edit and reject buttons that resume with
 * `{ decisions }` the way agent-chat-ui does, and reopens threads from a history list.
 * Configured by the query string: `?api=<url>&assistant=<id>&thread=<id>`.
 */

const query = new URLSearchParams(window.location.search);
const apiUrl = query.get('api') ?? 'http://127.0.0.1:2024';
const assistantId = query.get('assistant') ?? 'supervisor';

interface HitlValue {
  approvalId?: string;
  action_requests?: Array<{ name: string; args: Record<string, unknown>; description?: string }>;
  review_configs?: Array<{ action_name: string; allowed_decisions: string[] }>;
}
type Decision = { type: 'approve' } | { type: 'edit'; edited_action: { name: string; args: Record<string, unknown> } } | { type: 'reject'; message: string };
interface MessageView {
  id?: string;
  type: string;
  content: unknown;
}
interface ThreadView {
  thread_id: string;
  status: string;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : (part as { text?: string }).text ?? '')).join('');
  return JSON.stringify(content);
}

/** An input the user typed: a JSON object is sent as the graph's input, anything else as a message. */
function inputOf(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Not JSON: a message.
  }
  return { messages: [{ type: 'human', content: text }] };
}

function Approval({ value, onDecide }: { value: HitlValue; onDecide: (decision: Decision) => void }) {
  const action = value.action_requests?.[0];
  const config = value.review_configs?.find((review) => review.action_name === action?.name) ?? value.review_configs?.[0];
  const [args, setArgs] = useState(() => JSON.stringify(action?.args ?? {}));
  const [message, setMessage] = useState('');
  if (!action || !config) return null;
  const allowed = (decision: string) => config.allowed_decisions.includes(decision);
  return (
    <section id="approval" data-approval-id={value.approvalId} data-tool={action.name}>
      <h2>Approval needed: {action.name}</h2>
      <pre id="approval-description">{action.description}</pre>
      <pre id="approval-args">{JSON.stringify(action.args)}</pre>
      {allowed('approve') && <button id="approve" onClick={() => onDecide({ type: 'approve' })}>Approve</button>}
      {allowed('edit') && (
        <div>
          <textarea id="edit-args" value={args} onChange={(event) => setArgs(event.target.value)} />
          <button id="edit" onClick={() => onDecide({ type: 'edit', edited_action: { name: action.name, args: JSON.parse(args) as Record<string, unknown> } })}>Save edit</button>
        </div>
      )}
      {allowed('reject') && (
        <div>
          <input id="reject-message" value={message} onChange={(event) => setMessage(event.target.value)} />
          <button id="reject" onClick={() => onDecide({ type: 'reject', message })}>Reject</button>
        </div>
      )}
    </section>
  );
}

function App() {
  const [threadId, setThreadId] = useState<string | null>(query.get('thread'));
  const [prompt, setPrompt] = useState('');
  const [threads, setThreads] = useState<ThreadView[]>([]);
  useEffect(() => {
    // The thread lives in the address, so a reload comes back to it (and rejoins its run).
    const address = new URL(window.location.href);
    if (threadId) address.searchParams.set('thread', threadId);
    else address.searchParams.delete('thread');
    window.history.replaceState(null, '', address);
  }, [threadId]);

  const stream = useStream<Record<string, unknown>>({ apiUrl, assistantId, threadId, onThreadId: setThreadId, reconnectOnMount: true });
  const refreshThreads = useCallback(async () => {
    setThreads((await stream.client.threads.search({ limit: 50 })) as ThreadView[]);
  }, [stream.client]);

  const messages = stream.messages as MessageView[];
  // The fixture graph's steps are names; the supervisor's are reports, not shown here.
  const steps = Array.isArray(stream.values?.steps) ? (stream.values.steps as unknown[]).filter((step): step is string => typeof step === 'string') : [];
  const interrupt = stream.interrupt as { value?: HitlValue } | undefined;
  const error = stream.error as { message?: string } | undefined;
  const decide = (decision: Decision) => {
    // As agent-chat-ui resumes: an empty input beside the command.
    void stream.submit({}, { command: { resume: { decisions: [decision] } } });
  };

  return (
    <main>
      <p id="status" data-loading={String(stream.isLoading)}>{stream.isLoading ? 'running' : 'idle'}</p>
      <p id="thread-id">{threadId ?? ''}</p>
      {error && <p id="error">{error.message ?? String(error)}</p>}
      <ol id="messages">
        {messages.map((message, index) => (
          <li key={message.id ?? index} data-type={message.type}>{textOf(message.content)}</li>
        ))}
      </ol>
      <ol id="steps">{steps.map((step) => <li key={step}>{step}</li>)}</ol>
      {interrupt?.value?.action_requests && <Approval key={interrupt.value.approvalId} value={interrupt.value} onDecide={decide} />}
      <form
        id="ask"
        onSubmit={(event) => {
          event.preventDefault();
          void stream.submit(inputOf(prompt));
          setPrompt('');
        }}
      >
        <textarea id="prompt" value={prompt} onChange={(event) => setPrompt(event.target.value)} />
        <button id="send" type="submit">Send</button>
      </form>
      <button id="new-thread" onClick={() => setThreadId(null)}>New thread</button>
      <button id="refresh-threads" onClick={() => void refreshThreads()}>History</button>
      <ul id="threads">
        {threads.map((thread) => (
          <li key={thread.thread_id}>
            <button data-thread-id={thread.thread_id} onClick={() => setThreadId(thread.thread_id)}>{thread.thread_id}</button>
          </li>
        ))}
      </ul>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
