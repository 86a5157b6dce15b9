/**
 * How router models reword a customer's question into a retriever task: instruction words
 * around the question (`{query}`), as seen from real models. The retrieval evaluation wraps every
 * labelled query in each of these to measure how well retrieval survives rewording.
 */
export const instructionTemplates = [
  'Answer this customer question from the knowledge base, citing the passages: {query}',
  'Find the company policy that answers the following and explain it with sources. {query}',
  'The customer asks: "{query}" Retrieve the relevant policy passages and answer with citations.',
  'Using the help articles and policies, respond to this request and cite every claim: {query}',
  'Task for the retriever specialist: determine what our documentation says about this customer request, quoting the governing passage. Request: {query}',
  'Look up in the knowledge base and give the customer a precise, cited answer to: {query}',
] as const;

export function wrapQuery(template: string, query: string): string {
  return template.replace('{query}', query);
}
