/**
 * What the retriever and executor can do for Brightcart, in the words the router chooses by.
 * Short on purpose: they are sent with every routing call, and the router needs to tell the
 * specialists apart, not learn the policies (the retriever finds those).
 */
export const brightcartSpecialistDescriptions = {
  retriever:
    'Answers questions from the knowledge base of policies and help articles (refunds, returns, ' +
    'shipping, cancellation, warranty, payments), with citations.',
  executor:
    'Acts on orders through tools: look up, check shipping SLA, late penalty, refund, credit memo, ' +
    'cancel, return, damage report.',
};
