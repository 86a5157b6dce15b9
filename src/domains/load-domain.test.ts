import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/index.ts';
import { loadDomain } from './load-domain.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'overseer-domain-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('loadDomain', () => {
  it('builds the sample retailer by its name, with its tools, rules and knowledge base', async () => {
    const domain = await loadDomain('brightcart', { database: openDatabase(path.join(scratch, 'brightcart.db')) });
    expect(domain.name).toBe('brightcart');
    expect(domain.tools.map((tool) => tool.name)).toContain('issue_refund');
    expect(domain.approvalRules.map((rule) => rule.name)).toEqual(['refund-above-500']);
    expect(domain.policy).toBeDefined();
    expect(domain.knowledgeBaseDir).toMatch(/data[/\\]knowledge-base$/);
  });

  it('loads another domain from the module a path names', async () => {
    const domain = await loadDomain('test/fixtures/help-desk-domain/index.ts', { database: openDatabase(path.join(scratch, 'help-desk.db')) });
    expect(domain.name).toBe('help-desk');
    expect(domain.tools.map((tool) => tool.name)).toEqual(['reset_password']);
  });

  it('says what is wrong with a module that is missing or exports no createDomain', async () => {
    const database = openDatabase(path.join(scratch, 'broken.db'));
    await expect(loadDomain('test/fixtures/no-such-domain.ts', { database })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'DOMAIN=test/fixtures/no-such-domain.ts could not be loaded',
    });
    const empty = path.join(scratch, 'empty-domain.mjs');
    writeFileSync(empty, 'export const somethingElse = 1;\n');
    await expect(loadDomain(empty, { database })).rejects.toThrow(/must export a createDomain function/);
  });
});
