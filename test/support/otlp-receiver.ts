import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A span as an OTLP/HTTP receiver decodes it (ids in hex). */
export interface ReceivedSpan {
  serviceName: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes: Record<string, unknown>;
}

/** A local OTLP/HTTP traces endpoint (`POST /v1/traces`, JSON or protobuf), keeping what it was sent. */
export interface OtlpReceiver {
  /** Base URL for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  url: string;
  spans: ReceivedSpan[];
  contentTypes: string[];
  /** With `keepBodies`: decode what was kept (into `spans`) and return every span. */
  decode(): ReceivedSpan[];
  close(): Promise<void>;
}

/**
 * `keepBodies`: keep each export as it came and decode only when asked (a benchmark's receiver
 * should not spend the load generator's CPU on decoding while it measures).
 */
export async function startOtlpReceiver(options: { keepBodies?: boolean } = {}): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const kept: Array<{ type: string; body: Buffer }> = [];
  const decodeBody = (type: string, body: Buffer) => (type.startsWith('application/json') ? fromJson(JSON.parse(body.toString())) : fromProtobuf(body));
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      const type = request.headers['content-type'] ?? '';
      contentTypes.push(type);
      const body = Buffer.concat(chunks);
      if (options.keepBodies) kept.push({ type, body });
      else spans.push(...decodeBody(type, body));
      // An empty ExportTraceServiceResponse: everything accepted.
      if (type.startsWith('application/json')) response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    contentTypes,
    decode() {
      for (const { type, body } of kept.splice(0)) spans.push(...decodeBody(type, body));
      return spans;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface JsonAttribute { key: string; value: Record<string, unknown> }
interface JsonRequest {
  resourceSpans: Array<{
    resource: { attributes: JsonAttribute[] };
    scopeSpans: Array<{ spans: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; attributes: JsonAttribute[] }> }>;
  }>;
}

function fromJson(request: JsonRequest): ReceivedSpan[] {
  return request.resourceSpans.flatMap((resourceSpans) => {
    const serviceName = String(jsonAttributes(resourceSpans.resource.attributes)['service.name']);
    return resourceSpans.scopeSpans.flatMap((scope) => scope.spans.map((span) => ({
      serviceName,
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId ?? '',
      name: span.name,
      attributes: jsonAttributes(span.attributes),
    })));
  });
}

function jsonAttributes(attributes: JsonAttribute[]): Record<string, unknown> {
  return Object.fromEntries(attributes.map(({ key, value }) => [key, jsonValue(value)]));
}

function jsonValue(value: Record<string, unknown>): unknown {
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('boolValue' in value) return value.boolValue;
  if ('arrayValue' in value) return ((value.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(jsonValue);
  return undefined;
}

// The protobuf wire format, read by hand for the few fields of opentelemetry/proto/trace/v1 a test checks.
type Field = { number: number; wire: number; value: Buffer | bigint | number };

function fieldsOf(buffer: Buffer): Field[] {
  const fields: Field[] = [];
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buffer[offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (offset < buffer.length) {
    const key = Number(varint());
    const number = key >>> 3;
    const wire = key & 7;
    if (wire === 0) fields.push({ number, wire, value: varint() });
    else if (wire === 1) { fields.push({ number, wire, value: buffer.readDoubleLE(offset) }); offset += 8; }
    else if (wire === 2) { const length = Number(varint()); fields.push({ number, wire, value: buffer.subarray(offset, offset + length) }); offset += length; }
    else if (wire === 5) { fields.push({ number, wire, value: buffer.readFloatLE(offset) }); offset += 4; }
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return fields;
}

const messages = (fields: Field[], number: number) => fields.filter((field) => field.number === number).map((field) => field.value as Buffer);

function anyValue(buffer: Buffer): unknown {
  const [field] = fieldsOf(buffer);
  if (!field) return undefined;
  if (field.number === 1) return (field.value as Buffer).toString();
  if (field.number === 2) return field.value !== 0n;
  if (field.number === 3) return Number(field.value as bigint);
  if (field.number === 4) return field.value;
  if (field.number === 5) return messages(fieldsOf(field.value as Buffer), 1).map(anyValue);
  return undefined;
}

function keyValues(buffers: Buffer[]): Record<string, unknown> {
  return Object.fromEntries(buffers.map((buffer) => {
    const fields = fieldsOf(buffer);
    return [messages(fields, 1)[0]!.toString(), anyValue(messages(fields, 2)[0] ?? Buffer.alloc(0))];
  }));
}

function fromProtobuf(body: Buffer): ReceivedSpan[] {
  return messages(fieldsOf(body), 1).flatMap((resourceSpans) => {
    const fields = fieldsOf(resourceSpans);
    const resource = messages(fields, 1)[0];
    const serviceName = String(resource ? keyValues(messages(fieldsOf(resource), 1))['service.name'] : '');
    return messages(fields, 2).flatMap((scopeSpans) => messages(fieldsOf(scopeSpans), 2).map((span) => {
      const spanFields = fieldsOf(span);
      return {
        serviceName,
        traceId: messages(spanFields, 1)[0]!.toString('hex'),
        spanId: messages(spanFields, 2)[0]!.toString('hex'),
        parentSpanId: (messages(spanFields, 4)[0] ?? Buffer.alloc(0)).toString('hex'),
        name: messages(spanFields, 5)[0]!.toString(),
        attributes: keyValues(messages(spanFields, 9)),
      };
    }));
  });
}
