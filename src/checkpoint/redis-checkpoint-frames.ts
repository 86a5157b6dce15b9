/**
 * Binary framing for the values the Redis checkpointer stores: a sequence of parts,
 * each a 4-byte big-endian length followed by its bytes. Serialized values stay raw
 * bytes (no base64, no JSON escaping), so binary data and any serde type round-trip.
 */
export type FramePart = string | Uint8Array;

export function encodeFrames(parts: FramePart[]): Buffer {
  const buffers = parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part));
  const total = buffers.reduce((sum, buffer) => sum + 4 + buffer.byteLength, 0);
  const output = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const buffer of buffers) {
    output.writeUInt32BE(buffer.byteLength, offset);
    offset += 4;
    output.set(buffer, offset);
    offset += buffer.byteLength;
  }
  return output;
}

export function decodeFrames(input: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < input.byteLength) {
    const length = input.readUInt32BE(offset);
    offset += 4;
    if (offset + length > input.byteLength) {
      throw new Error('Truncated checkpoint frame');
    }
    parts.push(input.subarray(offset, offset + length));
    offset += length;
  }
  return parts;
}

/** The part at `index` as UTF-8 text; a missing part is a corrupt record. */
export function textAt(parts: Buffer[], index: number): string {
  return bytesAt(parts, index).toString('utf8');
}

export function bytesAt(parts: Buffer[], index: number): Buffer {
  const part = parts[index];
  if (part === undefined) {
    throw new Error(`Checkpoint record is missing part ${index}`);
  }
  return part;
}
