/**
 * A business refusal a tool throws on purpose ("amount exceeds what is refundable").
 * Its message is written for the model and shown to it verbatim; throwing it promises
 * that the tool changed nothing, so the call may be made again with other arguments.
 */
export class ToolError extends Error {
  readonly details: unknown;

  constructor(message: string, options: { details?: unknown } = {}) {
    super(message);
    this.name = 'ToolError';
    this.details = options.details;
  }
}

export function isToolError(value: unknown): value is ToolError {
  return value instanceof ToolError;
}
