import type { z } from 'zod';
import type { ToolDefinition } from './define-tool.ts';

/** One problem with one argument, phrased so a model can fix its next call. */
export interface ToolArgumentIssue {
  /** Dotted path such as `amountCents` or `items[0].sku`; `(root)` for the arguments as a whole. */
  field: string;
  message: string;
}

export type ToolArgumentValidation<Input> =
  | { ok: true; value: Input }
  | { ok: false; issues: ToolArgumentIssue[] };

const rootField = '(root)';

/**
 * Check raw model arguments (an object, or the JSON text some providers send) against
 * the tool's strict input schema and report every problem per field.
 * @example
 * const result = validateToolArguments(tool, { orderId: 1001, amountCents: -5 });
 * if (!result.ok) console.log(result.issues); // [{ field: 'amountCents', message: '...' }, ...]
 */
export function validateToolArguments<Input>(
  tool: ToolDefinition<Input>,
  rawArgs: unknown,
): ToolArgumentValidation<Input> {
  let candidate = rawArgs;
  if (typeof rawArgs === 'string') {
    try {
      candidate = rawArgs.trim() === '' ? {} : JSON.parse(rawArgs);
    } catch {
      return { ok: false, issues: [{ field: rootField, message: 'Arguments must be a JSON object; the text given is not valid JSON' }] };
    }
  }
  const parsed = tool.input.safeParse(candidate);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, issues: parsed.error.issues.flatMap(toArgumentIssues) };
}

function toArgumentIssues(issue: z.core.$ZodIssue): ToolArgumentIssue[] {
  // Zod reports unknown keys once at the parent; the model fixes them one field at a time.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      field: fieldOf([...issue.path, key]),
      message: 'Unknown field; remove it (only the documented fields are accepted)',
    }));
  }
  return [{ field: fieldOf(issue.path), message: issue.message }];
}

function fieldOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return rootField;
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      return index === 0 ? String(segment) : `.${String(segment)}`;
    })
    .join('');
}
