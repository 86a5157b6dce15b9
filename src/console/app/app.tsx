import { useEffect, useState } from 'preact/hooks';
import { ApiError, createApi, type Api } from './api-client.ts';
import { ApprovalsPage } from './approvals/approvals-page.tsx';
import { AuditPage } from './audit/audit-page.tsx';
import { RunPage } from './runs/run-page.tsx';
import { RunsPage } from './runs/runs-page.tsx';
import { ThreadPage } from './runs/thread-page.tsx';
import { forgetCredential, saveCredential, savedCredential } from './session.ts';
import { SignIn } from './sign-in.tsx';
import { Loading } from './status-views.tsx';
import { UsagePage } from './usage/usage-page.tsx';
import { href, useHashRoute } from './use-hash-route.ts';

const screens = [
  { id: 'approvals', label: 'Approvals' },
  { id: 'runs', label: 'Runs' },
  { id: 'audit', label: 'Audit' },
  { id: 'usage', label: 'Usage' },
] as const;

/** Does the server take this credential (or none, in open mode)? 401 and no answer say no. */
async function accepts(api: Api): Promise<ApiError | undefined> {
  try {
    await api.get('/approvals');
    return undefined;
  } catch (error) {
    if (error instanceof ApiError && error.status !== 401 && error.status !== 0) return undefined;
    return error as ApiError;
  }
}

/** The console: sign in once per tab, then the screens, routed by the URL's fragment. */
export function App({ apiBase }: { apiBase: string }) {
  const [api, setApi] = useState<Api | null>(null);
  const [checking, setChecking] = useState(true);
  const [signInError, setSignInError] = useState<ApiError>();
  const [openMode, setOpenMode] = useState(false);
  const route = useHashRoute();

  useEffect(() => {
    const credential = savedCredential();
    const candidate = createApi(apiBase, credential);
    void accepts(candidate).then((error) => {
      if (!error) {
        setApi(candidate);
        setOpenMode(credential === null);
      } else if (credential) {
        forgetCredential();
      }
      setChecking(false);
    });
  }, []);

  async function signIn(credential: string) {
    const candidate = createApi(apiBase, credential);
    const error = await accepts(candidate);
    setSignInError(error);
    if (error) return;
    saveCredential(credential);
    setApi(candidate);
  }

  function signOut() {
    forgetCredential();
    setApi(null);
  }

  if (checking) return <main class="page"><Loading what="the console" /></main>;
  if (!api) return <SignIn onSubmit={signIn} error={signInError} />;
  const [screen = 'approvals', ...parameters] = route;
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href={href('approvals')}>Overseer</a>
        <nav aria-label="Screens">
          {screens.map((item) => (
            <a href={href(item.id)} aria-current={screen === item.id || (item.id === 'runs' && screen === 'threads') ? 'page' : undefined}>{item.label}</a>
          ))}
        </nav>
        {openMode ? <span class="mode" title="No API keys are configured">open mode</span> : <button type="button" class="link" id="sign-out" onClick={signOut}>Sign out</button>}
      </header>
      <main class="page" id="screen" data-screen={screen}>
        {screen === 'approvals' && <ApprovalsPage api={api} />}
        {screen === 'runs' && parameters.length === 0 && <RunsPage api={api} />}
        {screen === 'runs' && parameters.length === 2 && <RunPage api={api} threadId={parameters[0]!} runId={parameters[1]!} />}
        {screen === 'threads' && parameters[0] && <ThreadPage api={api} threadId={parameters[0]} />}
        {screen === 'audit' && <AuditPage api={api} />}
        {screen === 'usage' && <UsagePage api={api} />}
      </main>
    </div>
  );
}
