import { InMemoryStore } from '@langchain/langgraph-checkpoint';
import { describeStoreBehaviour } from './store-behaviour.ts';

// The reference: LangGraph's own store must pass the suite our stores are held to.
describeStoreBehaviour({
  name: 'InMemoryStore',
  create: ({ index }) => ({ store: new InMemoryStore(index ? { index } : undefined) }),
  capabilities: { clock: false, lexicalQuery: false, prunesEmptyNamespaces: false, ttl: false },
});
