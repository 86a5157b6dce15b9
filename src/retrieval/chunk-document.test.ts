import { describe, expect, it } from 'vitest';
import { chunkDocument } from './chunk-document.ts';

const longSection = Array.from({ length: 30 }, (_, index) => `Sentence number ${index} explains one more detail of the policy.`).join(' ');
const document = {
  id: 'policy',
  source: 'policy.md',
  title: 'Policy',
  text: `# Policy\n\n## Short\n\nA short section.\n\n## Long\n\n${longSection}`,
};

describe('chunkDocument', () => {
  it('splits long sections into chunks of at most the chunk size, each keeping its heading path', async () => {
    const chunks = await chunkDocument(document);
    expect(chunks[0]).toMatchObject({ index: 0, text: 'A short section.', headings: ['Policy', 'Short'] });
    const long = chunks.slice(1);
    expect(long.length).toBeGreaterThan(1);
    for (const chunk of long) {
      expect(chunk.text.length).toBeLessThanOrEqual(800);
      expect(chunk.headings).toEqual(['Policy', 'Long']);
    }
    expect(chunks.map((chunk) => chunk.index)).toEqual(chunks.map((_, index) => index));
  });

  it('overlaps consecutive chunks of one section', async () => {
    const [, first, second] = await chunkDocument(document);
    const tail = first?.text.slice(-40) ?? 'missing';
    expect(second?.text).toContain(tail.slice(tail.indexOf(' ') + 1));
  });

  it('gives the same hashes to the same content and new hashes only to changed chunks', async () => {
    const before = await chunkDocument(document);
    const again = await chunkDocument({ ...document });
    const after = await chunkDocument({ ...document, text: document.text.replace('A short section.', 'A shorter section.') });
    expect(again.map((chunk) => chunk.hash)).toEqual(before.map((chunk) => chunk.hash));
    expect(after[0]?.hash).not.toBe(before[0]?.hash);
    expect(after.slice(1).map((chunk) => chunk.hash)).toEqual(before.slice(1).map((chunk) => chunk.hash));
    expect(before[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes every hash when the source or title changes, since hits show them', async () => {
    const before = await chunkDocument(document);
    const moved = await chunkDocument({ ...document, source: 'elsewhere.md' });
    expect(moved.every((chunk, index) => chunk.hash !== before[index]?.hash)).toBe(true);
  });

  it('starts the heading path with the title when the text has no such heading', async () => {
    const chunks = await chunkDocument({ id: 'note', source: 'note.txt', title: 'Note', text: 'Plain text without headings.' });
    expect(chunks).toMatchObject([{ headings: ['Note'], text: 'Plain text without headings.' }]);
  });

  it('returns no chunks for an empty document', async () => {
    expect(await chunkDocument({ id: 'empty', source: 'empty.md', text: '# Only a heading\n\n' })).toEqual([]);
  });
});
