import type { Api } from '../api-client.ts';
import { ErrorMessage, Loading } from '../status-views.tsx';
import { useLoad } from '../use-load.ts';

interface Citation {
  chunkId: string;
  title?: string;
  source?: string;
  quote?: string;
}

interface StepsState {
  values?: { steps?: Array<{ citations?: Citation[] }> };
}

const excerpt = (text: string) => (text.length > 400 ? `${text.slice(0, 400)}…` : text);

/** The passages the thread's specialists cited before the call was proposed (the policy it rests on). */
export function CitedPassages({ api, threadId }: { api: Api; threadId: string }) {
  const state = useLoad(() => api.get<StepsState>(`/threads/${encodeURIComponent(threadId)}/state`), [api, threadId]);
  if (!state.data) return state.loading ? <Loading what="cited passages" /> : <ErrorMessage error={state.error} />;
  const seen = new Set<string>();
  const citations = (state.data.values?.steps ?? []).flatMap((step) => step.citations ?? []).filter((citation) => !seen.has(citation.chunkId) && seen.add(citation.chunkId));
  if (citations.length === 0) return <p class="muted">No passages were cited on this thread.</p>;
  return (
    <ul class="citations">
      {citations.map((citation) => (
        <li data-field="citation" data-chunk-id={citation.chunkId}>
          <strong>{citation.title ?? citation.source ?? citation.chunkId}</strong> <code>{citation.chunkId}</code>
          {citation.quote && <blockquote>{excerpt(citation.quote)}</blockquote>}
        </li>
      ))}
    </ul>
  );
}
