import { describe, expect, it } from 'vitest';
import { parseFrontMatter } from './parse-front-matter.ts';

describe('parseFrontMatter', () => {
  it('reads key: value pairs and returns the rest as the body', () => {
    expect(parseFrontMatter('---\ntitle: "Refunds: the rules"\nrevision: 3\npublic: true\nowner: support team\n---\n# Body')).toEqual({
      attributes: { title: 'Refunds: the rules', revision: 3, public: true, owner: 'support team' },
      body: '# Body',
    });
  });

  it('returns text without a block unchanged', () => {
    expect(parseFrontMatter('# Title\n---\nnot front matter')).toEqual({ attributes: {}, body: '# Title\n---\nnot front matter' });
  });
});
