export { createThreadProtocol, type ThreadProtocol } from './thread-protocol.ts';
export type { EventFilter, ProtocolCommand, ProtocolEvent, ProtocolReply } from './protocol-messages.ts';
export { protocolWebSocket, type ProtocolWebSocketOptions } from './protocol-websocket.ts';
export type { Dispatch } from './dispatch-command.ts';
