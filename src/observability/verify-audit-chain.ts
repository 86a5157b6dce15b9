import { genesisHash, hashAuditRecord, type AuditProblem, type AuditRecord, type AuditVerification } from './audit-log.ts';

/**
 * Check a tenant's records in storage order. Each record must hash to its stored hash
 * (else `edited`), carry the next `seq` (a jump is `removed`, a step back `reordered`), and
 * point at the previous record's hash (else `broken_link`). `head`, the last seq and hash
 * the log recorded separately, catches records cut off the end (`truncated`).
 */
export function verifyAuditChain(tenantId: string, records: AuditRecord[], head?: { seq: number; hash: string }): AuditVerification {
  const problems: AuditProblem[] = [];
  const present = new Set(records.map((record) => record.seq));
  let previous: AuditRecord | undefined;
  for (const record of records) {
    const expectedSeq = (previous?.seq ?? 0) + 1;
    if (hashAuditRecord(record) !== record.hash) {
      problems.push({ kind: 'edited', seq: record.seq, message: `record ${record.seq} does not match its hash: its content was changed` });
    }
    if (record.seq > expectedSeq && present.has(expectedSeq)) {
      problems.push({ kind: 'reordered', seq: record.seq, message: `record ${record.seq} appears before record ${expectedSeq}` });
    } else if (record.seq > expectedSeq) {
      const missing = record.seq - expectedSeq === 1 ? `${expectedSeq}` : `${expectedSeq}-${record.seq - 1}`;
      problems.push({ kind: 'removed', seq: record.seq, message: `record(s) ${missing} are missing before record ${record.seq}` });
    } else if (record.seq < expectedSeq) {
      if (problems.some((problem) => problem.kind === 'reordered' && problem.message.endsWith(`before record ${record.seq}`))) continue;
      problems.push({ kind: 'reordered', seq: record.seq, message: `record ${record.seq} appears after record ${previous?.seq}` });
    } else if (record.previousHash !== (previous?.hash ?? genesisHash)) {
      problems.push({ kind: 'broken_link', seq: record.seq, message: `record ${record.seq} does not point at the hash of record ${expectedSeq - 1}` });
    }
    // Keep walking from the highest seq seen, so one swap is reported once, not for every later record.
    if (previous === undefined || record.seq > previous.seq) previous = record;
  }
  const last = records.at(-1);
  if (head !== undefined && (last?.seq ?? 0) < head.seq) {
    problems.push({ kind: 'truncated', seq: head.seq, message: `the log ends at record ${last?.seq ?? 0} but record ${head.seq} was written` });
  } else if (head !== undefined && last !== undefined && last.seq === head.seq && last.hash !== head.hash) {
    problems.push({ kind: 'edited', seq: head.seq, message: `record ${head.seq} is not the record that was written last` });
  }
  return { tenantId, ok: problems.length === 0, count: records.length, headHash: last?.hash ?? genesisHash, problems };
}
