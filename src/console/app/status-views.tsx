import type { ComponentChildren } from 'preact';
import type { ApiError } from './api-client.ts';

export function Loading({ what }: { what: string }) {
  return <p class="state loading" role="status" aria-live="polite">Loading {what}…</p>;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state empty">{children}</p>;
}

/** An error in words, with the server's field details when it gave them. */
export function ErrorMessage({ error }: { error: ApiError | undefined }) {
  if (!error) return null;
  const details = Array.isArray(error.details) ? (error.details as Array<{ path?: string; message?: string }>) : [];
  return (
    <div class="error" role="alert" data-code={error.code}>
      <p>{error.message}</p>
      {details.length > 0 && <ul>{details.map((detail) => <li>{detail.path ? `${detail.path}: ` : ''}{detail.message}</li>)}</ul>}
    </div>
  );
}
