export { createThreadProtocol, type ThreadProtocol } from './thread-protocol.ts';
export type { EventFilter, ProtocolCommand, ProtocolEvent, ProtocolReply } from './protocol-messages.ts';
