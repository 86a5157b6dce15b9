import type { ModelTool, ToolRegistry } from '../tools/index.ts';

/**
 * The tools as one executor turn is shown them. Reads always in full. Writes and irreversible
 * tools in full only on the turn that may propose one (the facts are looked up and nothing has
 * changed yet) or that corrects a refused or invalid call; on the other turns (the first, which
 * the policy says must look facts up, and the summary after a change) by name and first
 * sentence, with open parameters. Their schemas were over half of the executor's prompt
 * tokens, on turns that cannot use them. A model that calls one anyway gets the per-field
 * issues back and the full schema on the turn that corrects it.
 */
export function toolsForStep(tools: ModelTool[], registry: ToolRegistry, step: { planningWrite: boolean }): ModelTool[] {
  if (step.planningWrite) return tools;
  return tools.map((tool) => registry.get(tool.function.name)?.risk === 'read' ? tool : brief(tool));
}

function brief(tool: ModelTool): ModelTool {
  const sentence = /^[^.]*\./.exec(tool.function.description)?.[0] ?? tool.function.description;
  return { type: 'function', function: { name: tool.function.name, description: sentence, parameters: { type: 'object', properties: {} } } };
}
