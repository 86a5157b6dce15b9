import { useState } from 'preact/hooks';
import type { ApiError } from './api-client.ts';
import { ErrorMessage } from './status-views.tsx';

/** Enter an API key or a JWT once for this tab; it is kept in sessionStorage only. */
export function SignIn({ onSubmit, error }: { onSubmit: (credential: string) => Promise<void>; error: ApiError | undefined }) {
  const [credential, setCredential] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <main class="page sign-in">
      <h1>Overseer console</h1>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          await onSubmit(credential.trim());
          setBusy(false);
        }}
      >
        <label for="credential">API key or JWT</label>
        <input id="credential" type="password" autocomplete="off" required value={credential} onInput={(event) => setCredential(event.currentTarget.value)} />
        <p class="hint">Kept for this browser tab only (sessionStorage) and sent as a bearer header; closing the tab forgets it.</p>
        <button type="submit" id="sign-in" disabled={busy || credential.trim() === ''}>{busy ? 'Checking…' : 'Sign in'}</button>
        <ErrorMessage error={error} />
      </form>
    </main>
  );
}
