import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { orderPolicySections } from './order-policy-sections.ts';

const knowledgeBase = path.resolve(import.meta.dirname, '../../../data/knowledge-base');

/** The text under one `## ` heading, markup removed and whitespace collapsed. */
function sectionText(document: string, heading: string): string | undefined {
  const markdown = readFileSync(path.join(knowledgeBase, `${document}.md`), 'utf8');
  const part = markdown.split(/^## /m).find((candidate) => candidate.startsWith(`${heading}\n`));
  return part?.slice(heading.length).replaceAll('*', '').replace(/^\s*[-|]\s*/gm, '').replace(/\s+/g, ' ').trim();
}

describe('order policy sections', () => {
  for (const [name, section] of Object.entries(orderPolicySections)) {
    it(`quotes ${section.document} "${section.section}" verbatim (${name})`, () => {
      const text = sectionText(section.document, section.section);
      expect(text, `no section "${section.section}" in ${section.document}.md`).toBeDefined();
      for (const excerpt of section.quote.split(' … ')) expect(text).toContain(excerpt);
    });
  }
});
