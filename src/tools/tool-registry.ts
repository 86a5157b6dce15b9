import { z } from 'zod';
import type { ToolDefinition } from './define-tool.ts';

/** An OpenAI function tool, the shape `chatModel.bindTools(...)` accepts. */
export interface ModelTool {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface ToolListOptions {
  /** Keep only the tools whose every required scope is among these. */
  scopes?: string[];
}

export interface ToolRegistry {
  get(name: string): ToolDefinition | undefined;
  list(options?: ToolListOptions): ToolDefinition[];
  toModelTools(options?: ToolListOptions): ModelTool[];
  /**
   * Register tools that became available after start-up (an MCP server listed late). All or
   * none: a name already registered, or repeated among `tools`, throws and adds nothing.
   * Tools are never removed, so what a run saw listed stays callable.
   */
  add(tools: ToolDefinition[]): void;
}

/** True when a caller holding `granted` may call `tool`. */
export function isToolAllowed(tool: ToolDefinition, granted: readonly string[]): boolean {
  return tool.scopes.every((scope) => granted.includes(scope));
}

/**
 * Index tools by name and describe them to models. JSON schemas are built once here (or in
 * `add`), so a tool whose schema cannot be expressed in JSON Schema fails when it is
 * registered, not mid-run.
 * @example
 * const registry = createToolRegistry(createOrderTools({ database }));
 * const model = chatModel.bindTools(registry.toModelTools({ scopes: ['orders:read'] }));
 */
export function createToolRegistry(tools: ToolDefinition[]): ToolRegistry {
  const byName = new Map<string, ToolDefinition>();
  const modelTools = new Map<string, ModelTool>();
  function add(added: ToolDefinition[]): void {
    // Checked and described before any is stored, so a refused batch leaves the registry as it was.
    const described = new Map<string, ModelTool>();
    for (const tool of added) {
      if (byName.has(tool.name) || described.has(tool.name)) throw new Error(`Duplicate tool name "${tool.name}"`);
      described.set(tool.name, toModelTool(tool));
    }
    for (const tool of added) {
      byName.set(tool.name, tool);
      modelTools.set(tool.name, described.get(tool.name)!);
    }
  }
  add(tools);

  function list(options: ToolListOptions = {}): ToolDefinition[] {
    const all = [...byName.values()];
    const { scopes } = options;
    return scopes === undefined ? all : all.filter((tool) => isToolAllowed(tool, scopes));
  }

  return {
    get: (name) => byName.get(name),
    list,
    toModelTools: (options) => list(options).map((tool) => modelTools.get(tool.name)!),
    add,
  };
}

function toModelTool(tool: ToolDefinition): ModelTool {
  // `io: 'input'` describes what the model must send (defaults stay optional); `$schema`
  // is noise to model providers, and some reject it.
  const { $schema: _ignored, ...parameters } = z.toJSONSchema(tool.input, { io: 'input' }) as Record<string, unknown>;
  // Function-calling APIs take named arguments only, so the input must be an object schema.
  if (parameters.type !== 'object') throw new Error(`Tool "${tool.name}" needs an object input schema (z.strictObject)`);
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters } };
}
