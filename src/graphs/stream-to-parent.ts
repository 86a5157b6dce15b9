import type { LangGraphRunnableConfig } from '@langchain/langgraph';

/**
 * The config for a model call inside a subgraph whose tokens belong on the run's own stream:
 * the retriever's answer when the router asked for it to be the reply. LangGraph's
 * `messages` streaming leaves a subgraph's model calls out unless the client streams
 * subgraphs; it places a call by the namespace in its metadata, so naming the parent's
 * namespace (the subgraph's node in the parent graph) streams the tokens as if the node itself
 * had called the model. Only the metadata changes: checkpoints keep their own namespace.
 */
export function streamToParent(config: LangGraphRunnableConfig): LangGraphRunnableConfig {
  const namespace = config.metadata?.langgraph_checkpoint_ns ?? config.metadata?.checkpoint_ns;
  if (typeof namespace !== 'string' || !namespace.includes('|')) return config;
  return { ...config, metadata: { ...config.metadata, langgraph_checkpoint_ns: namespace.slice(0, namespace.lastIndexOf('|')) } };
}
