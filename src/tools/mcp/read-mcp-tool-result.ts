import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** An MCP tool result as the registry hands it on: its structured value, or its text (as JSON when it is JSON). */
export interface McpToolResultValue {
  isError: boolean;
  value: unknown;
  /** The text contents joined, for error messages. */
  text: string;
}

/**
 * Read a `tools/call` result: `structuredContent` when the tool gave one, else the text
 * contents (parsed when they are one JSON value), with other content kinds named, not inlined
 * (an image's base64 is no use to the model and would flood its context).
 */
export function readMcpToolResult(result: CallToolResult): McpToolResultValue {
  const parts = (result.content ?? []).map((item) => {
    if (item.type === 'text') return item.text;
    if (item.type === 'resource_link') return `[resource ${item.uri}]`;
    if (item.type === 'resource') return `[resource ${item.resource.uri}]`;
    return `[${item.type}${'mimeType' in item ? ` ${item.mimeType}` : ''}]`;
  });
  const text = parts.join('\n').slice(0, 20_000);
  if (result.structuredContent !== undefined) return { isError: result.isError === true, value: result.structuredContent, text };
  return { isError: result.isError === true, value: parseJson(text) ?? { text }, text };
}

function parseJson(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}
