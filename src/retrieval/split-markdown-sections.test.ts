import { describe, expect, it } from 'vitest';
import { splitMarkdownSections } from './split-markdown-sections.ts';

describe('splitMarkdownSections', () => {
  it('gives each section the path of headings above it', () => {
    const sections = splitMarkdownSections('# Guide\n\nIntro.\n\n## Setup\n\nStep one.\n\n### Cables\n\nRed to red.\n\n## Care\n\nDust it.');
    expect(sections).toEqual([
      { headings: ['Guide'], text: 'Intro.' },
      { headings: ['Guide', 'Setup'], text: 'Step one.' },
      { headings: ['Guide', 'Setup', 'Cables'], text: 'Red to red.' },
      { headings: ['Guide', 'Care'], text: 'Dust it.' },
    ]);
  });

  it('leaves out headings with no body and keeps text before the first heading', () => {
    expect(splitMarkdownSections('Preface.\n# Title\n## Part\nBody. ##')).toEqual([
      { headings: [], text: 'Preface.' },
      { headings: ['Title', 'Part'], text: 'Body. ##' },
    ]);
  });

  it('does not treat lines in fenced code as headings', () => {
    const sections = splitMarkdownSections('# Script\n\n```sh\n# install\nnpm ci\n```\n\nDone.');
    expect(sections).toEqual([{ headings: ['Script'], text: '```sh\n# install\nnpm ci\n```\n\nDone.' }]);
  });

  it('strips closing hashes from headings and reads Windows line endings', () => {
    expect(splitMarkdownSections('## Returns ##\r\nWithin 30 days.\r\n')).toEqual([{ headings: ['Returns'], text: 'Within 30 days.' }]);
  });
});
