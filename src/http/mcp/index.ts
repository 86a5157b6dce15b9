export { createAssistantMcpServer } from './create-assistant-mcp-server.ts';
export { listAssistantTools } from './list-assistant-tools.ts';
export type { AssistantTool } from './list-assistant-tools.ts';
export { callAssistantTool } from './call-assistant-tool.ts';
export type { AssistantToolOutcome } from './call-assistant-tool.ts';
