import { describe, expect, it } from 'vitest';
import { htmlToMarkdown } from './html-to-markdown.ts';

describe('htmlToMarkdown', () => {
  it('keeps headings as Markdown headings and paragraphs and list items as lines', () => {
    const html = `<html><head><title>Returns &amp; exchanges</title><style>p { color: red }</style></head>
      <body><h1>Returns</h1><p>Unused items within <b>30 days</b>.</p><h2 class="x">How to <em>return</em></h2>
      <ul><li>Open Orders</li><li>Print the label</li></ul><script>alert(1)</script><!-- note --></body></html>`;
    expect(htmlToMarkdown(html)).toEqual({
      title: 'Returns & exchanges',
      markdown: '# Returns\n\nUnused items within 30 days.\n\n## How to return\n\n- Open Orders\n- Print the label',
    });
  });

  it('decodes numeric entities and leaves unknown ones alone', () => {
    expect(htmlToMarkdown('<p>5&#8211;10 days &#x24;500 &bogus;</p>').markdown).toBe('5–10 days $500 &bogus;');
  });
});
