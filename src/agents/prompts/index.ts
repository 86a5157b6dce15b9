export * from './router-prompt.ts';
export * from './retriever-prompt.ts';
export * from './executor-prompt.ts';
export * from './reviewer-prompt.ts';
export * from './revision-prompt.ts';
