// Function words that say nothing about a topic. Dropping them keeps BM25 and the relevance
// score about what a request is about, so "what is the capital of France" is not a match for
// every chunk that contains "what", "is" and "the".
const stopwords = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing done down during each either else ever every few for from ' +
    'further get gets getting got had has have having he her here hers herself him himself his how i if in into ' +
    'is it its itself just let me might more most much must my myself neither no nor not now of off on once only ' +
    'or other our ours ourselves out over own please same shall she should so some such than that the their ' +
    'theirs them themselves then there these they this those through to too under until up upon us very was we ' +
    'were what when where whether which while who whom whose why will with within without would yes yet you your ' +
    'yours yourself yourselves many s t d ll m re ve ' +
    // Conversational filler of support requests ("can you tell me how long it takes").
    'take takes taking took want wants need needs know tell thanks thank hi hello hey ok okay'
  ).split(' '),
);

/** Lower-cased word tokens (runs of letters and digits), in order, stopwords included. */
export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Whether a lower-cased token is an English function word. */
export function isStopword(token: string): boolean {
  return stopwords.has(token);
}

/**
 * The distinct informative words of a text, in first-seen order: word tokens minus stopwords.
 * @example contentTerms('How do I cancel my order?') // ['cancel', 'order']
 */
export function contentTerms(text: string, maximum = 32): string[] {
  const terms = new Set<string>();
  for (const token of wordTokens(text)) {
    if (terms.size >= maximum) break;
    if (!isStopword(token)) terms.add(token);
  }
  return [...terms];
}
