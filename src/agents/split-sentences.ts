// Abbreviations whose full stop does not end a sentence ("2 p.m. Eastern", "e.g. a kettle").
const abbreviations = /(?:\b(?:[ap]\.m|e\.g|i\.e|etc|vs|no|approx|incl|dept|mr|mrs|ms|dr|st)\.|\b[A-Z]\.)$/i;
// A citation label right after a sentence belongs to that sentence: "… history. [warranty#1] A replacement …".
const trailingLabels = /^(?:\s*\[[^\]\s#]+#\d+\])+/;

/**
 * Split prose into sentences. A full stop ends a sentence only before white space and a
 * capital, digit, quote, bracket or list marker, never inside "$54.50", "p.m." or "e.g.";
 * citation labels after a sentence stay with it; line breaks end a sentence too.
 * @example splitSentences('Refunds take 5–10 business days. [refund-policy#6] PayPal is sooner.') // 2 sentences
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const line of text.split(/\n+/)) {
    let start = 0;
    const ends = /[.!?]["')\]]*(?=\s+["'(\[A-Z0-9$*-])/g;
    for (let match = ends.exec(line); match; match = ends.exec(line)) {
      const end = match.index + match[0].length;
      if (abbreviations.test(line.slice(start, match.index + 1))) continue;
      const labels = trailingLabels.exec(line.slice(end))?.[0] ?? '';
      sentences.push(line.slice(start, end + labels.length));
      start = end + labels.length;
      ends.lastIndex = start;
    }
    sentences.push(line.slice(start));
  }
  return sentences.map((sentence) => sentence.trim()).filter(Boolean);
}
