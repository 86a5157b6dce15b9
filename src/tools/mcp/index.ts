export { mcpToolPolicy } from './mcp-server-settings.ts';
export type { McpServerSettings, McpToolSettings, McpToolPolicy, McpApproval } from './mcp-server-settings.ts';
export { registerMcpTools, loadMcpToolSources } from './register-mcp-tools.ts';
export type { McpToolSource } from './register-mcp-tools.ts';
export { readMcpToolResult } from './read-mcp-tool-result.ts';
export { withMcpClient } from './with-mcp-client.ts';
