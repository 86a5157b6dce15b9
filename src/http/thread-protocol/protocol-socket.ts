import { randomUUID } from 'node:crypto';
import { AppError, httpStatusOf, toPublicError } from '../../errors.ts';
import { logError } from '../../observability/index.ts';
import { failure, protocolErrorCodeOf, success, type EventFilter, type ProtocolCommand, type ProtocolEvent, type ProtocolReply } from './protocol-messages.ts';
import type { SubscribeOptions } from './thread-channel.ts';

export interface ProtocolSocketOptions {
  /** Puts one message on the socket (the transport serialises it). */
  send(message: ProtocolReply | ProtocolEvent): void;
  /** A command that is not a subscription's, answered as `POST /threads/{id}/commands` answers it. */
  command(command: ProtocolCommand): Promise<ProtocolReply>;
  /** The thread's events matching a filter, as the SSE transport reads them. */
  events(options: SubscribeOptions): Promise<AsyncIterable<ProtocolEvent>>;
  /** `subscription.subscribe`'s params as a filter, or why they are not one. */
  parseFilter(params: unknown): { filter: EventFilter; since?: number } | { error: string };
  /** Test hook: subscription ids. */
  newId?: () => string;
}

/** One WebSocket connection of the thread protocol. */
export interface ProtocolSocket {
  /** One text frame from the client. */
  receive(text: string): Promise<void>;
  /** The connection ended: every subscription stops. */
  close(): void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCommand(value: unknown): value is ProtocolCommand {
  return isRecord(value) && Number.isInteger(value.id) && (value.id as number) >= 0 && typeof value.method === 'string' && (value.params === undefined || isRecord(value.params));
}

/** A thrown error as a protocol error reply, with our public words (never raw exception text). */
function failureOf(id: number | null, error: unknown): ProtocolReply {
  const shown = toPublicError(error);
  if (shown.code === 'INTERNAL') logError('thread protocol socket:', error);
  return failure(id, error instanceof AppError ? protocolErrorCodeOf(httpStatusOf(error.code)) : 'unknown_error', shown.message);
}

/**
 * The WebSocket side of the thread protocol, as `client.threads.stream()` with the WebSocket
 * transport speaks it: `subscription.subscribe` / `subscription.unsubscribe` are held per
 * connection (each subscription replays what the thread still keeps, or what follows `since`,
 * then follows live, after its success reply, so the client knows the subscription before its
 * first event); every other command goes to the same handler as `POST /threads/{id}/commands`.
 * Each subscription sends its own matching events, so an event two subscriptions match comes
 * twice, as from the official server: the SDK delivers it once per subscription by `event_id`.
 */
export function createProtocolSocket(options: ProtocolSocketOptions): ProtocolSocket {
  const subscriptions = new Map<string, AbortController>();
  const newId = options.newId ?? randomUUID;
  let closed = false;

  const send = (message: ProtocolReply | ProtocolEvent) => {
    if (!closed) options.send(message);
  };

  async function pump(id: string, events: AsyncIterable<ProtocolEvent>, signal: AbortSignal) {
    try {
      for await (const event of events) {
        if (signal.aborted) break;
        send(event);
      }
    } catch (error) {
      // The subscription fell behind what the thread keeps: it ends, and the client hears why.
      if (!signal.aborted) send(failureOf(null, error));
    } finally {
      if (subscriptions.get(id)?.signal === signal) subscriptions.delete(id);
    }
  }

  async function subscribe(command: ProtocolCommand) {
    const parsed = options.parseFilter(command.params ?? {});
    if ('error' in parsed) return send(failure(command.id, 'invalid_argument', parsed.error));
    const controller = new AbortController();
    let events: AsyncIterable<ProtocolEvent>;
    try {
      events = await options.events({ filter: parsed.filter, since: parsed.since, signal: controller.signal });
    } catch (error) {
      return send(failureOf(command.id, error));
    }
    if (closed) return controller.abort();
    const id = newId();
    subscriptions.set(id, controller);
    send(success(command.id, { subscription_id: id }));
    void pump(id, events, controller.signal);
  }

  function unsubscribe(command: ProtocolCommand) {
    const id = command.params?.subscription_id;
    if (typeof id !== 'string') return send(failure(command.id, 'invalid_argument', 'subscription.unsubscribe requires a subscription_id.'));
    const controller = subscriptions.get(id);
    if (!controller) return send(failure(command.id, 'no_such_subscription', `Unknown subscription: ${id}`));
    subscriptions.delete(id);
    controller.abort();
    send(success(command.id, {}));
  }

  return {
    async receive(text) {
      let payload: unknown;
      try {
        payload = JSON.parse(text);
      } catch {
        return send(failure(null, 'invalid_argument', 'Protocol commands must be valid JSON.'));
      }
      if (!isCommand(payload)) {
        const id = isRecord(payload) && Number.isInteger(payload.id) ? (payload.id as number) : null;
        return send(failure(id, 'invalid_argument', 'Protocol commands must include an integer id, a string method and object params.'));
      }
      switch (payload.method) {
        case 'subscription.subscribe':
          return subscribe(payload);
        case 'subscription.unsubscribe':
          return unsubscribe(payload);
        case 'subscription.reconnect':
          // As the official server: a reconnecting client subscribes again and is replayed.
          return send(failure(payload.id, 'not_supported', 'subscription.reconnect is not supported; subscribe again to be replayed what the thread keeps.'));
        default:
          try {
            send(await options.command(payload));
          } catch (error) {
            send(failureOf(payload.id, error));
          }
      }
    },
    close() {
      closed = true;
      for (const controller of subscriptions.values()) controller.abort();
      subscriptions.clear();
    },
  };
}
