import { Embeddings } from '@langchain/core/embeddings';
import { Annotation, END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { InvalidNamespaceError, type BaseStore, type Item, type SearchItem } from '@langchain/langgraph-checkpoint';
import { afterEach, describe, expect, it } from 'vitest';
import type { TtlConfig } from './store-types.ts';
import type { TtlStore } from './ttl-store.ts';

const vocabulary = ['cat', 'dog', 'pizza', 'pasta', 'python', 'typescript', 'rain', 'sun'];

/**
 * Deterministic embeddings for the suite: one dimension per vocabulary word, counting it.
 * Cosine similarity then measures shared vocabulary, so expected rankings can be worked out by hand.
 */
export class VocabularyEmbeddings extends Embeddings {
  readonly dims = vocabulary.length;

  constructor() {
    super({});
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.#embed(text));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.#embed(text);
  }

  #embed(text: string): number[] {
    const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
    return vocabulary.map((entry) => words.filter((word) => word === entry).length);
  }
}

export interface StoreSubjectOptions {
  index?: { dims: number; embeddings: VocabularyEmbeddings; fields?: string[] };
  ttl?: TtlConfig;
  /** The suite's clock; stores that take a clock must use it. */
  now: () => number;
}

export interface StoreUnderTest {
  store: BaseStore;
  /** Present when the store can delete expired items. */
  sweepExpired?: () => Promise<number>;
}

export interface StoreSubject {
  name: string;
  create(options: StoreSubjectOptions): StoreUnderTest | Promise<StoreUnderTest>;
  /** Called after every test to release what `create` made. */
  cleanup?: () => Promise<void> | void;
  /** What the reference InMemoryStore does not do; the suite checks these only where claimed. */
  capabilities: {
    /** Takes `now` as its clock (needed for timestamps that must advance, and for ttl). */
    clock: boolean;
    /** Ranks by lexical match when a query comes without embeddings. */
    lexicalQuery: boolean;
    /** Forgets a namespace when its last item goes. */
    prunesEmptyNamespaces: boolean;
    /** Honours `ttl` on put and `refreshTtl` on reads. */
    ttl: boolean;
  };
}

const keysOf = (items: SearchItem[]) => items.map((item) => item.key);
const sortedKeysOf = (items: SearchItem[]) => keysOf(items).sort();

/**
 * One behaviour suite for every store: InMemoryStore is the reference, and SqliteStore,
 * RedisStore and tenant views must satisfy the same expectations.
 */
export function describeStoreBehaviour(subject: StoreSubject): void {
  describe(`${subject.name} store behaviour`, () => {
    let clock = Date.now();
    const now = () => clock;
    const advance = (milliseconds: number) => {
      clock += milliseconds;
    };
    const open = async (options: Omit<StoreSubjectOptions, 'now'> = {}) => subject.create({ ...options, now });
    const openStore = async (options: Omit<StoreSubjectOptions, 'now'> = {}) => (await open(options)).store;
    const embeddings = () => ({ dims: vocabulary.length, embeddings: new VocabularyEmbeddings() });

    afterEach(async () => {
      await subject.cleanup?.();
    });

    describe('items', () => {
      it('returns null for an item that was never put', async () => {
        const store = await openStore();
        expect(await store.get(['users', 'ada'], 'missing')).toBeNull();
      });

      it('returns a put item with its namespace, key, value and timestamps', async () => {
        const store = await openStore();
        await store.put(['users', 'ada'], 'preferences', { theme: 'dark', tags: ['a', 'b'], nested: { level: 2 } });
        const item = await store.get(['users', 'ada'], 'preferences');
        expect(item).toMatchObject({ namespace: ['users', 'ada'], key: 'preferences', value: { theme: 'dark', tags: ['a', 'b'], nested: { level: 2 } } });
        expect(item?.createdAt).toBeInstanceOf(Date);
        expect(item?.updatedAt.getTime()).toBe(item?.createdAt.getTime());
      });

      it('replaces the value on a second put and keeps the creation time', async () => {
        const store = await openStore();
        await store.put(['users'], 'ada', { version: 1 });
        const first = await store.get(['users'], 'ada');
        advance(1_000);
        await store.put(['users'], 'ada', { version: 2 });
        const second = await store.get(['users'], 'ada');
        expect(second?.value).toEqual({ version: 2 });
        expect(second?.createdAt.getTime()).toBe(first?.createdAt.getTime());
        if (subject.capabilities.clock) expect(second?.updatedAt.getTime()).toBe((first?.updatedAt.getTime() ?? 0) + 1_000);
        else expect(second?.updatedAt.getTime()).toBeGreaterThanOrEqual(first?.updatedAt.getTime() ?? 0);
      });

      it('deletes an item, and deleting a missing item changes nothing', async () => {
        const store = await openStore();
        await store.put(['users'], 'ada', { name: 'Ada' });
        await store.put(['users'], 'alan', { name: 'Alan' });
        await store.delete(['users'], 'ada');
        await store.delete(['users'], 'nobody');
        expect(await store.get(['users'], 'ada')).toBeNull();
        expect(sortedKeysOf(await store.search(['users']))).toEqual(['alan']);
      });

      it('keeps items with the same key in different namespaces apart', async () => {
        const store = await openStore();
        await store.put(['users', 'ada'], 'profile', { owner: 'ada' });
        await store.put(['users', 'alan'], 'profile', { owner: 'alan' });
        expect((await store.get(['users', 'ada'], 'profile'))?.value).toEqual({ owner: 'ada' });
        expect((await store.get(['users', 'alan'], 'profile'))?.value).toEqual({ owner: 'alan' });
      });

      it('rejects empty namespaces, labels with a period and the reserved langgraph root', async () => {
        const store = await openStore();
        await expect(store.put([], 'key', { a: 1 })).rejects.toThrow(InvalidNamespaceError);
        await expect(store.put(['a.b'], 'key', { a: 1 })).rejects.toThrow(InvalidNamespaceError);
        await expect(store.put(['langgraph', 'x'], 'key', { a: 1 })).rejects.toThrow(InvalidNamespaceError);
        await expect(store.get([], 'key')).rejects.toThrow(InvalidNamespaceError);
        await expect(store.search(['a:b'])).rejects.toThrow(InvalidNamespaceError);
      });

      it('answers a batch in order, its reads seeing the state from before its writes', async () => {
        const store = await openStore();
        await store.put(['notes'], 'first', { text: 'old' });
        const results = (await store.batch([
          { namespace: ['notes'], key: 'first' },
          { namespace: ['notes'], key: 'first', value: { text: 'new' } },
          { namespacePrefix: ['notes'], limit: 10, offset: 0 },
          { namespace: ['notes'], key: 'second', value: { text: 'added' } },
          { matchConditions: undefined, limit: 10, offset: 0 },
          { namespace: ['notes'], key: 'second' },
        ])) as unknown as [Item | null, null, SearchItem[], null, string[][], Item | null];
        // Only the key: InMemoryStore hands out its live item object, which the batch's put then rewrites.
        expect(results[0]?.key).toBe('first');
        expect(keysOf(results[2])).toEqual(['first']);
        expect(results[4]).toEqual([['notes']]);
        expect(results[5]).toBeNull();
        expect((await store.get(['notes'], 'first'))?.value).toEqual({ text: 'new' });
        expect((await store.get(['notes'], 'second'))?.value).toEqual({ text: 'added' });
      });

      it('applies the last of several writes to one item in a batch', async () => {
        const store = await openStore();
        await store.batch([
          { namespace: ['notes'], key: 'a', value: { version: 1 } },
          { namespace: ['notes'], key: 'a', value: { version: 2 } },
          { namespace: ['notes'], key: 'b', value: { version: 1 } },
          { namespace: ['notes'], key: 'b', value: null },
        ]);
        expect((await store.get(['notes'], 'a'))?.value).toEqual({ version: 2 });
        expect(await store.get(['notes'], 'b')).toBeNull();
      });
    });

    describe('search', () => {
      it('finds items in a namespace and below it, not in siblings that share its spelling', async () => {
        const store = await openStore();
        await store.put(['docs'], 'root', { n: 1 });
        await store.put(['docs', 'v1'], 'child', { n: 2 });
        await store.put(['docs', 'v1', 'deep'], 'grandchild', { n: 3 });
        await store.put(['docsx'], 'sibling', { n: 4 });
        await store.put(['other'], 'unrelated', { n: 5 });
        expect(sortedKeysOf(await store.search(['docs']))).toEqual(['child', 'grandchild', 'root']);
        expect(sortedKeysOf(await store.search(['docs', 'v1']))).toEqual(['child', 'grandchild']);
        expect(sortedKeysOf(await store.search([]))).toEqual(['child', 'grandchild', 'root', 'sibling', 'unrelated']);
        const [found] = await store.search(['docs', 'v1', 'deep']);
        expect(found).toMatchObject({ namespace: ['docs', 'v1', 'deep'], key: 'grandchild', value: { n: 3 } });
      });

      it('filters on exact values with strict equality', async () => {
        const store = await openStore();
        await store.put(['things'], 'number', { field: 1, color: 'red' });
        await store.put(['things'], 'string', { field: '1', color: 'red' });
        await store.put(['things'], 'boolean', { field: true, color: 'blue' });
        await store.put(['things'], 'null', { field: null, color: 'blue' });
        await store.put(['things'], 'missing', { color: 'red' });
        expect(sortedKeysOf(await store.search(['things'], { filter: { field: 1 } }))).toEqual(['number']);
        expect(sortedKeysOf(await store.search(['things'], { filter: { field: '1' } }))).toEqual(['string']);
        expect(sortedKeysOf(await store.search(['things'], { filter: { field: true } }))).toEqual(['boolean']);
        expect(sortedKeysOf(await store.search(['things'], { filter: { field: null } }))).toEqual(['null']);
        expect(sortedKeysOf(await store.search(['things'], { filter: { color: 'red', field: 1 } }))).toEqual(['number']);
        expect(sortedKeysOf(await store.search(['things'], { filter: { color: 'green' } }))).toEqual([]);
      });

      it('filters with the $eq, $ne, $gt, $gte, $lt and $lte operators', async () => {
        const store = await openStore();
        for (const [key, price] of [['cheap', 2], ['middle', 5], ['dear', 9]] as const) await store.put(['products'], key, { price, kind: key });
        await store.put(['products'], 'unpriced', { kind: 'unpriced' });
        const search = async (filter: Record<string, unknown>) => sortedKeysOf(await store.search(['products'], { filter }));
        expect(await search({ price: { $eq: 5 } })).toEqual(['middle']);
        expect(await search({ price: { $ne: 5 } })).toEqual(['cheap', 'dear', 'unpriced']);
        expect(await search({ price: { $gt: 5 } })).toEqual(['dear']);
        expect(await search({ price: { $gte: 5 } })).toEqual(['dear', 'middle']);
        expect(await search({ price: { $lt: 5 } })).toEqual(['cheap']);
        expect(await search({ price: { $lte: 5 } })).toEqual(['cheap', 'middle']);
        expect(await search({ price: { $gt: 2, $lt: 9 } })).toEqual(['middle']);
        expect(await search({ price: { $gte: 2 }, kind: { $ne: 'dear' } })).toEqual(['cheap', 'middle']);
        expect(await search({ kind: { $in: ['cheap', 'dear'] } })).toEqual(['cheap', 'dear']);
        expect(await search({ kind: { $nin: ['cheap', 'dear'] } })).toEqual(['middle', 'unpriced']);
      });

      it('pages results with limit and offset, ten by default', async () => {
        const store = await openStore();
        for (let index = 0; index < 25; index += 1) await store.put(['bulk', `group-${index % 3}`], `item-${index}`, { index });
        expect(await store.search(['bulk'])).toHaveLength(10);
        const pages = await Promise.all([0, 10, 20].map((offset) => store.search(['bulk'], { limit: 10, offset })));
        expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
        const all = pages.flatMap(keysOf);
        expect(new Set(all).size).toBe(25);
        expect(await store.search(['bulk'], { offset: 25 })).toEqual([]);
      });

      it('pages filtered results without losing or repeating items', async () => {
        const store = await openStore();
        for (let index = 0; index < 20; index += 1) await store.put(['bulk'], `item-${index}`, { index, parity: index % 2 === 0 ? 'even' : 'odd' });
        const pages = [];
        for (let offset = 0; offset < 12; offset += 4) pages.push(keysOf(await store.search(['bulk'], { filter: { index: { $gte: 5 }, parity: 'even' }, limit: 4, offset })));
        expect(pages.map((page) => page.length)).toEqual([4, 3, 0]);
        expect(pages.flat().sort()).toEqual(['item-10', 'item-12', 'item-14', 'item-16', 'item-18', 'item-6', 'item-8']);
      });
    });

    describe('semantic search', () => {
      it('ranks by cosine similarity to the query when embeddings are configured', async () => {
        const store = await openStore({ index: embeddings() });
        await store.put(['memories'], 'pets', { text: 'my cat and my dog' });
        await store.put(['memories'], 'food', { text: 'pizza and pasta' });
        await store.put(['memories'], 'code', { text: 'python and typescript' });
        await store.put(['memories'], 'pizza', { text: 'pizza' });
        const results = await store.search(['memories'], { query: 'pizza' });
        expect(keysOf(results).slice(0, 2)).toEqual(['pizza', 'food']);
        expect(results[0]?.score).toBeCloseTo(1, 5);
        expect(results[1]?.score).toBeCloseTo(Math.SQRT1_2, 5);
        expect(results[2]?.score).toBeCloseTo(0, 5);
        const scores = results.map((result) => result.score ?? -Infinity);
        expect(scores).toEqual([...scores].sort((left, right) => right - left));
        expect(results).toHaveLength(4);
      });

      it('embeds only the configured fields', async () => {
        const store = await openStore({ index: { ...embeddings(), fields: ['title'] } });
        await store.put(['articles'], 'about-pizza', { title: 'pizza', body: 'cat cat cat' });
        await store.put(['articles'], 'about-cats', { title: 'cat', body: 'pizza pizza pizza' });
        expect(keysOf(await store.search(['articles'], { query: 'pizza' }))).toEqual(['about-pizza', 'about-cats']);
        expect(keysOf(await store.search(['articles'], { query: 'cat' }))).toEqual(['about-cats', 'about-pizza']);
      });

      it('embeds the fields a put names, and leaves items put with index false unscored at the end', async () => {
        const store = await openStore({ index: embeddings() });
        await store.put(['notes'], 'named-field', { text: 'dog', other: 'pizza' }, ['other']);
        await store.put(['notes'], 'not-indexed', { text: 'pizza' }, false);
        await store.put(['notes'], 'whole-value', { text: 'pizza dog' });
        const results = await store.search(['notes'], { query: 'pizza' });
        expect(keysOf(results)).toEqual(['named-field', 'whole-value', 'not-indexed']);
        expect(results[0]?.score).toBeCloseTo(1, 5);
        expect(results[1]?.score).toBeCloseTo(Math.SQRT1_2, 5);
        expect(results[2]?.score).toBeUndefined();
      });

      it('embeds an item again when it is replaced', async () => {
        const store = await openStore({ index: embeddings() });
        await store.put(['notes'], 'changing', { text: 'cat' });
        await store.put(['notes'], 'steady', { text: 'pizza pasta' });
        await store.put(['notes'], 'changing', { text: 'pizza' });
        const [best] = await store.search(['notes'], { query: 'pizza' });
        expect(best).toMatchObject({ key: 'changing', value: { text: 'pizza' } });
        expect(best?.score).toBeCloseTo(1, 5);
        const [forCats] = await store.search(['notes'], { query: 'cat' });
        expect(forCats?.score).toBeCloseTo(0, 5);
      });

      it('ranks only what the filter and namespace let through, and pages the ranking', async () => {
        const store = await openStore({ index: embeddings() });
        await store.put(['notes', 'ada'], 'a1', { text: 'pizza', owner: 'ada' });
        await store.put(['notes', 'ada'], 'a2', { text: 'pizza pasta', owner: 'ada' });
        await store.put(['notes', 'ada'], 'a3', { text: 'pasta', owner: 'ada', archived: true });
        await store.put(['notes', 'alan'], 'b1', { text: 'pizza', owner: 'alan' });
        const ranked = await store.search(['notes', 'ada'], { query: 'pizza', filter: { archived: { $ne: true } } });
        expect(keysOf(ranked)).toEqual(['a1', 'a2']);
        expect(keysOf(await store.search(['notes'], { query: 'pizza', filter: { owner: 'ada' }, limit: 1, offset: 1 }))).toEqual(['a2']);
      });

      if (subject.capabilities.lexicalQuery) {
        it('ranks by the share of query words an item contains when no embeddings are configured', async () => {
          const store = await openStore();
          await store.put(['notes'], 'fox', { text: 'The quick brown fox' });
          await store.put(['notes'], 'bread', { text: 'brown bread' });
          await store.put(['notes'], 'weather', { text: 'a sunny day' });
          await store.put(['notes'], 'hidden', { text: 'quick brown' }, false);
          const results = await store.search(['notes'], { query: 'Quick BROWN' });
          expect(results.map((result) => [result.key, result.score])).toEqual([
            ['fox', 1],
            ['bread', 0.5],
            ['weather', 0],
            ['hidden', undefined],
          ]);
          expect(keysOf(await store.search(['notes'], { query: 'bread', filter: { text: { $ne: 'brown bread' } }, limit: 1 }))).toEqual(['fox']);
        });
      }
    });

    describe('namespaces', () => {
      const seed = async (store: BaseStore) => {
        for (const namespace of [['a', 'b', 'c'], ['a', 'b', 'd'], ['a', 'x'], ['b', 'c'], ['z']]) {
          await store.put(namespace, 'item', { at: namespace.join('/') });
        }
      };

      it('lists namespaces in order, filtered by prefix and suffix with wildcards', async () => {
        const store = await openStore();
        await seed(store);
        expect(await store.listNamespaces()).toEqual([['a', 'b', 'c'], ['a', 'b', 'd'], ['a', 'x'], ['b', 'c'], ['z']]);
        expect(await store.listNamespaces({ prefix: ['a'] })).toEqual([['a', 'b', 'c'], ['a', 'b', 'd'], ['a', 'x']]);
        expect(await store.listNamespaces({ prefix: ['a', '*', 'c'] })).toEqual([['a', 'b', 'c']]);
        expect(await store.listNamespaces({ prefix: ['*', 'b'] })).toEqual([['a', 'b', 'c'], ['a', 'b', 'd']]);
        expect(await store.listNamespaces({ suffix: ['c'] })).toEqual([['a', 'b', 'c'], ['b', 'c']]);
        expect(await store.listNamespaces({ suffix: ['b', '*'] })).toEqual([['a', 'b', 'c'], ['a', 'b', 'd'], ['b', 'c']]);
        expect(await store.listNamespaces({ suffix: ['*', 'b', '*'] })).toEqual([['a', 'b', 'c'], ['a', 'b', 'd']]);
        expect(await store.listNamespaces({ prefix: ['a'], suffix: ['d'] })).toEqual([['a', 'b', 'd']]);
        expect(await store.listNamespaces({ prefix: ['q'] })).toEqual([]);
      });

      it('truncates namespaces to maxDepth and merges the duplicates', async () => {
        const store = await openStore();
        await seed(store);
        expect(await store.listNamespaces({ maxDepth: 2 })).toEqual([['a', 'b'], ['a', 'x'], ['b', 'c'], ['z']]);
        expect(await store.listNamespaces({ maxDepth: 1 })).toEqual([['a'], ['b'], ['z']]);
        expect(await store.listNamespaces({ prefix: ['a'], maxDepth: 2 })).toEqual([['a', 'b'], ['a', 'x']]);
      });

      it('pages namespaces with limit and offset', async () => {
        const store = await openStore();
        await seed(store);
        expect(await store.listNamespaces({ limit: 2 })).toEqual([['a', 'b', 'c'], ['a', 'b', 'd']]);
        expect(await store.listNamespaces({ limit: 2, offset: 2 })).toEqual([['a', 'x'], ['b', 'c']]);
        expect(await store.listNamespaces({ limit: 2, offset: 4 })).toEqual([['z']]);
      });

      if (subject.capabilities.prunesEmptyNamespaces) {
        it('stops listing a namespace once its last item is deleted', async () => {
          const store = await openStore();
          await store.put(['keep'], 'one', { a: 1 });
          await store.put(['drop'], 'one', { a: 1 });
          await store.put(['drop'], 'two', { a: 1 });
          await store.delete(['drop'], 'one');
          expect(await store.listNamespaces()).toEqual([['drop'], ['keep']]);
          await store.delete(['drop'], 'two');
          expect(await store.listNamespaces()).toEqual([['keep']]);
        });
      }
    });

    if (subject.capabilities.ttl) {
      describe('ttl', () => {
        const minute = 60_000;
        const openTtlStore = async (ttl: TtlConfig = {}) => {
          const opened = await open({ ttl });
          return { ...opened, store: opened.store as TtlStore };
        };

        it('hides an item from get and search once its ttl has passed', async () => {
          const { store } = await openTtlStore({ refreshOnRead: false });
          await store.put(['session'], 'short', { a: 1 }, undefined, { ttl: 1 });
          await store.put(['session'], 'forever', { a: 2 });
          advance(30_000);
          expect(await store.get(['session'], 'short')).not.toBeNull();
          advance(31_000);
          expect(await store.get(['session'], 'short')).toBeNull();
          expect(sortedKeysOf(await store.search(['session']))).toEqual(['forever']);
        });

        it('pushes the expiry forward on every read unless the read says not to', async () => {
          const { store } = await openTtlStore();
          await store.put(['session'], 'read-by-get', { a: 1 }, undefined, { ttl: 1 });
          await store.put(['session'], 'read-by-search', { a: 2 }, undefined, { ttl: 1 });
          await store.put(['session'], 'read-without-refresh', { a: 3 }, undefined, { ttl: 1 });
          advance(50_000);
          expect(await store.get(['session'], 'read-by-get')).not.toBeNull();
          expect(keysOf(await store.search(['session'], { filter: { a: 2 } }))).toEqual(['read-by-search']);
          expect(await store.get(['session'], 'read-without-refresh', { refreshTtl: false })).not.toBeNull();
          advance(50_000);
          expect(await store.get(['session'], 'read-by-get')).not.toBeNull();
          expect(keysOf(await store.search(['session'], { filter: { a: 2 }, refreshTtl: false }))).toEqual(['read-by-search']);
          expect(await store.get(['session'], 'read-without-refresh')).toBeNull();
          advance(minute);
          expect(await store.search(['session'])).toEqual([]);
        });

        it('applies the default ttl to puts that name none, and a null ttl never expires', async () => {
          const { store } = await openTtlStore({ defaultTtl: 1 });
          await store.put(['cache'], 'default', { a: 1 });
          await store.put(['cache'], 'permanent', { a: 2 }, undefined, { ttl: null });
          await store.put(['cache'], 'made-permanent', { a: 3 }, undefined, { ttl: 1 });
          await store.put(['cache'], 'made-permanent', { a: 3 }, undefined, { ttl: null });
          advance(2 * minute);
          expect(sortedKeysOf(await store.search(['cache']))).toEqual(['made-permanent', 'permanent']);
        });

        it('rejects a ttl that is not a positive number of minutes', async () => {
          const { store } = await openTtlStore();
          await expect(store.put(['cache'], 'bad', { a: 1 }, undefined, { ttl: 0 })).rejects.toThrow(RangeError);
          expect(await store.get(['cache'], 'bad')).toBeNull();
        });

        it('sweeps expired items away and forgets the namespaces they emptied', async () => {
          const { store, sweepExpired } = await openTtlStore({ refreshOnRead: false });
          await store.put(['expiring'], 'one', { a: 1 }, undefined, { ttl: 1 });
          await store.put(['lasting'], 'one', { a: 1 });
          advance(2 * minute);
          expect(await sweepExpired?.()).toBe(1);
          expect(await store.listNamespaces()).toEqual([['lasting']]);
          expect(await sweepExpired?.()).toBe(0);
        });
      });
    }

    it('serves a StateGraph node that reads and writes memories through config.store', async () => {
      const store = await openStore();
      const State = Annotation.Root({
        userId: Annotation<string>,
        fact: Annotation<string>,
        recalled: Annotation<string[]>,
      });
      const graph = new StateGraph(State)
        .addNode('remember', async (state: typeof State.State, config: LangGraphRunnableConfig) => {
          await config.store?.put(['memories', state.userId], state.fact.replaceAll(' ', '-'), { fact: state.fact });
          return {};
        })
        .addNode('recall', async (state: typeof State.State, config: LangGraphRunnableConfig) => {
          const memories = (await config.store?.search(['memories', state.userId])) ?? [];
          return { recalled: memories.map((memory) => String(memory.value.fact)).sort() };
        })
        .addEdge(START, 'remember')
        .addEdge('remember', 'recall')
        .addEdge('recall', END)
        .compile({ store });
      await graph.invoke({ userId: 'ada', fact: 'likes pizza' });
      const second = await graph.invoke({ userId: 'ada', fact: 'owns a cat' });
      const other = await graph.invoke({ userId: 'alan', fact: 'likes pasta' });
      expect(second.recalled).toEqual(['likes pizza', 'owns a cat']);
      expect(other.recalled).toEqual(['likes pasta']);
      expect((await store.get(['memories', 'ada'], 'likes-pizza'))?.value).toEqual({ fact: 'likes pizza' });
    });
  });
}
