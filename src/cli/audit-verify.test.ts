import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createSqliteAuditLog } from '../observability/index.ts';
import { openDatabase } from '../storage/index.ts';
import { auditVerify } from './audit-verify.ts';

describe('audit:verify', () => {
  let directory: string;
  let file: string;

  beforeEach(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'audit-verify-'));
    file = path.join(directory, 'overseer.db');
    const database = openDatabase(file, { vectors: false });
    const log = createSqliteAuditLog(database);
    for (const tenantId of ['acme', 'globex']) {
      await log.append({ tenantId, type: 'run.started', runId: 'r1', data: {} });
      await log.append({ tenantId, type: 'approval.decided', actor: 'manager@brightcart', data: { decision: 'approve' } });
      await log.append({ tenantId, type: 'run.finished', runId: 'r1', data: { status: 'success' } });
    }
    database.close();
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const config = () => loadConfig({ DATA_DIR: directory, SQLITE_PATH: file });

  function tamper(sql: string) {
    const database = openDatabase(file, { vectors: false });
    database.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    database.exec(sql);
    database.close();
  }

  it('exits 0 and reports every tenant when all chains verify', async () => {
    const lines: string[] = [];
    expect(await auditVerify({ argv: [], config: config(), write: (line) => lines.push(line) })).toBe(0);
    expect(lines).toEqual([expect.stringMatching(/^ok +acme: 3 record/), expect.stringMatching(/^ok +globex: 3 record/)]);
  });

  it('exits 1 and names the altered record; --tenant checks one tenant only', async () => {
    tamper(`UPDATE audit_log SET actor = 'intern' WHERE tenant_id = 'acme' AND seq = 2`);
    const lines: string[] = [];
    expect(await auditVerify({ argv: ['--tenant', 'acme'], config: config(), write: (line) => lines.push(line) })).toBe(1);
    expect(lines).toEqual([expect.stringContaining('FAILED  acme'), expect.stringContaining('edited at 2')]);
    expect(await auditVerify({ argv: ['--tenant', 'globex'], config: config(), write: () => {} })).toBe(0);
  });

  it('runs as an npm script and exits 1 when a record was removed', async () => {
    tamper(`DELETE FROM audit_log WHERE tenant_id = 'globex' AND seq = 1`);
    const run = promisify(execFile)('npm', ['run', '--silent', 'audit:verify', '--', '--tenant', 'globex'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, DATA_DIR: directory, SQLITE_PATH: file, REDIS_URL: '' },
    });
    await expect(run).rejects.toMatchObject({ code: 1, stdout: expect.stringContaining('removed at 2') });
  });
});
