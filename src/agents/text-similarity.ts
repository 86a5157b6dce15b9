/**
 * Small, deterministic text similarity used by the offline model: lower-cased word
 * tokens without stop words, with a light suffix stemmer so "refunds", "refunded" and
 * "refunding" meet. It is a lexical measure, not a semantic one, and says so.
 */
const stopWords = new Set(
  (
    'a an and are as at be been but by can could do does for from had has have how i if in into is it its ' +
    'me my no not of on or our please so than that the their them then there these they this to us was we ' +
    'were what when where which who why will with would you your yes also any all about after before'
  ).split(' '),
);

export function stem(word: string): string {
  for (const suffix of ['ations', 'ation', 'ments', 'ment', 'ings', 'ing', 'ies', 'ied', 'ed', 'es', 's']) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) {
      const root = word.slice(0, -suffix.length);
      if (suffix === 'ies' || suffix === 'ied') return normalizeEnding(`${root}y`);
      return normalizeEnding(suffix === 'ed' || suffix === 'ing' || suffix === 'ings' ? undouble(root) : root);
    }
  }
  return normalizeEnding(word);
}

// "delivery" and "delivered" meet at "deliver"; "damage" and "damaged" at "damag".
function normalizeEnding(word: string): string {
  if (word.length > 5 && word.endsWith('ery')) return word.slice(0, -1);
  if (word.length > 3 && word.endsWith('e') && !word.endsWith('ee')) return word.slice(0, -1);
  return word;
}

// "shipped" meets "ship", "cancelled" meets "cancel"; "called" stays "call".
function undouble(root: string): string {
  const last = root.at(-1);
  if (root.length < 4 || last !== root.at(-2)) return root;
  if (last === 'l') return root.length >= 6 ? root.slice(0, -1) : root;
  return 'bdgmnprt'.includes(last!) ? root.slice(0, -1) : root;
}

/** Content-word stems of `text`, in order, duplicates kept. */
export function tokenize(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];
  return words.filter((word) => !stopWords.has(word) && word.length > 1).map(stem);
}

/**
 * Share of the query's distinct terms that appear in `text` (0..1).
 * @example overlapScore('refund a late order', 'Refunds for late deliveries') // 0.67
 */
export function overlapScore(query: string, text: string): number {
  const queryTerms = new Set(tokenize(query));
  if (queryTerms.size === 0) return 0;
  const textTerms = new Set(tokenize(text));
  let shared = 0;
  for (const term of queryTerms) if (textTerms.has(term)) shared += 1;
  return shared / queryTerms.size;
}
