export { mcpToolPolicy } from './mcp-server-settings.ts';
export type { McpServerSettings, McpToolSettings, McpToolPolicy, McpApproval } from './mcp-server-settings.ts';
export { registerMcpTools, loadMcpToolSources, admitMcpTools } from './register-mcp-tools.ts';
export type { McpToolSource, McpToolSources, UnlistedMcpServer } from './register-mcp-tools.ts';
export { listMcpTools } from './list-mcp-tools.ts';
export { retryMcpToolSources } from './retry-mcp-tool-sources.ts';
export type { McpServerState, McpToolSourceRetries, RetryMcpToolSourcesOptions } from './retry-mcp-tool-sources.ts';
export { readMcpToolResult } from './read-mcp-tool-result.ts';
export { withMcpClient } from './with-mcp-client.ts';
