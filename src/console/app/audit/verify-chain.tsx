import type { ApiError } from '../api-client.ts';
import { ErrorMessage } from '../status-views.tsx';

/** `GET /audit/verify`. */
export interface AuditVerification {
  ok: boolean;
  count: number;
  headHash: string;
  problems: Array<{ kind: string; seq: number; message: string }>;
}

/** The "verify chain" button and what the server found: intact, or each broken record by number. */
export function VerifyChain({ verification, error, busy, onVerify }: { verification: AuditVerification | undefined; error: ApiError | undefined; busy: boolean; onVerify: () => void }) {
  return (
    <section class="verify" aria-labelledby="verify-title">
      <h2 id="verify-title" class="visually-hidden">Chain verification</h2>
      <button type="button" id="verify-chain" onClick={onVerify} disabled={busy}>{busy ? 'Verifying…' : 'Verify chain'}</button>
      <ErrorMessage error={error} />
      <div id="verification" role="status" aria-live="polite" data-ok={verification ? String(verification.ok) : undefined}>
        {verification?.ok && <p class="ok">The chain is intact: {verification.count} records, head <code>{verification.headHash.slice(0, 16)}…</code></p>}
        {verification && !verification.ok && (
          <div class="broken-chain">
            <p><strong>The chain is broken</strong> ({verification.count} records checked):</p>
            <ul>{verification.problems.map((problem) => <li data-seq={problem.seq} data-kind={problem.kind}>Record #{problem.seq} ({problem.kind}): {problem.message}</li>)}</ul>
          </div>
        )}
      </div>
    </section>
  );
}
