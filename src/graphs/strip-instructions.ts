// Words with which a router tells the retriever what to do with what it finds, not what to find.
// Retrieval scores a passage by the share of the query's words it holds, and a word no passage
// holds weighs most, so "… Cite the passages." took a passage that held every word of the
// question below the coverage threshold (0.25 where the question alone scored 1.0).
const instructionWords = new RegExp(
  '\\b(?:' +
    [
      'answer(?:s|ing)?', 'respond', 'reply', 'explain', 'give', 'tell', 'determine', 'find', 'look(?:ing)? up', 'search', 'retrieve',
      'quot(?:e|es|ing)', 'cit(?:e|es|ing|ation|ations)', 'passages?', 'sources?', 'knowledge[- ]base', 'help articles?', 'documentation',
      'govern(?:s|ing)?', 'appl(?:y|ies)', 'relevant', 'precise', 'says?', 'customer', 'question', 'request', 'task', 'specialist',
      'claims?', 'every', 'following', 'using', 'our', 'company',
    ].join('|') +
    ')\\b',
  'gi',
);
// An order number says which order, not which policy; retrieval does not know it and weighs it most.
const orderNumber = /(\border\s*)(?:#|no\.?|number)?\s*\d{3,}\b|#\d{3,}\b/gi;

/**
 * What a retrieval query is about: the text without the words that instruct the retriever and
 * without order numbers. Empty when nothing else is left.
 * @example stripInstructions('What does our policy say about refunds for late deliveries? Cite the passages.') // 'What does policy about refunds for late deliveries?'
 */
export function stripInstructions(text: string, options: { keep?: string } = {}): string {
  const kept = new Set(options.keep?.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  return text
    .replace(orderNumber, '$1')
    .replace(instructionWords, (words) => (words.toLowerCase().split(/[\s-]+/).every((word) => kept.has(word)) ? words : ' '))
    .replace(/\s+([?.!,:;])/g, '$1')
    .replace(/\s{2,}/g, ' ')
    .replace(/^[\s"'.:,;!?-]+|[\s"':,;-]+$/g, '')
    .trim();
}
