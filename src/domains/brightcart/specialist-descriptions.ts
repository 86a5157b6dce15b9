/** What the retriever and executor can do for Brightcart, in the words the router chooses by. */
export const brightcartSpecialistDescriptions = {
  retriever:
    'Answers questions from the knowledge base of company policies and help articles (refund policy, ' +
    'returns, shipping SLA and late delivery penalties, cancellation, warranty, escalation, payments) ' +
    'with citations, or says that the knowledge base does not cover the question.',
  executor:
    'Acts on business systems through registered tools: look up an order, check a shipment against ' +
    'its SLA, compute a late delivery penalty, issue a refund, create a credit memo, cancel an order, ' +
    'start a return, report a damaged, defective or wrong item.',
};
