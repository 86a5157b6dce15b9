/** Where text an input rail inspected came from. */
export type InputSource = 'user' | 'retrieved';

/** One finding of the prompt-injection detector. */
export interface InjectionFlag {
  /** Which rule matched, e.g. `override-instructions`. */
  rule: string;
  source: InputSource;
  /** Why the text is suspicious, for logs and approvers. */
  reason: string;
  /** The matched text, trimmed to a short excerpt. */
  excerpt: string;
  /** Which passage (document id, chunk) when the source is `retrieved`. */
  origin?: string;
}
