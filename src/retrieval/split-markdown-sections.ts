export interface MarkdownSection {
  /** Heading texts from the outermost to the innermost heading above this section. */
  headings: string[];
  /** The section's body without its heading line, trimmed. */
  text: string;
}

const headingPattern = /^(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
const fencePattern = /^[ \t]*(```|~~~)/;

/**
 * Split Markdown into sections at ATX headings (`#` to `######`), keeping for each section the
 * path of headings above it. Lines inside fenced code blocks are never headings. Sections
 * with an empty body (a heading directly followed by a subheading) are left out.
 * @example splitMarkdownSections('# A\nintro\n## B\nbody') // [{ headings: ['A'], text: 'intro' }, { headings: ['A', 'B'], text: 'body' }]
 */
export function splitMarkdownSections(markdown: string): MarkdownSection[] {
  const sections: MarkdownSection[] = [];
  const stack: { level: number; text: string }[] = [];
  let body: string[] = [];
  let fence: string | undefined;

  const flush = (): void => {
    const text = body.join('\n').trim();
    if (text !== '') sections.push({ headings: stack.map((heading) => heading.text), text });
    body = [];
  };

  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const fenceMatch = fencePattern.exec(line);
    if (fenceMatch) fence = fence === undefined ? fenceMatch[1] : fence === fenceMatch[1] ? undefined : fence;
    const heading = fence === undefined ? headingPattern.exec(line) : null;
    if (heading?.[1] === undefined || heading[2] === undefined) {
      body.push(line);
      continue;
    }
    flush();
    const level = heading[1].length;
    while (stack.length > 0 && (stack.at(-1)?.level ?? 0) >= level) stack.pop();
    stack.push({ level, text: heading[2].trim() });
  }
  flush();
  return sections;
}
