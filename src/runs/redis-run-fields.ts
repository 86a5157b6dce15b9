import type { ThreadRecord } from './run-records.ts';

/* How the Redis run repository encodes records as hashes of JSON fields, and reads sorted-set replies. */

/** Field/value pairs of a record, each value JSON; undefined fields are left out, as JSON.stringify does. */
export function toFields(record: object): string[] {
  return Object.entries(record).flatMap(([field, value]) => (value === undefined ? [] : [field, JSON.stringify(value)]));
}

export function fromFields(fields: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([field, value]) => [field, JSON.parse(value)]));
}

export function fromFlatFields(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let index = 0; index < flat.length; index += 2) fields[flat[index]!] = flat[index + 1]!;
  return fields;
}

export function toThread(fields: Record<string, string>, metadata: Record<string, string>): ThreadRecord {
  return { ...(fromFields(fields) as Omit<ThreadRecord, 'metadata'>), metadata: fromFields(metadata) };
}

export function scoreOf(timestamp: string): number {
  const milliseconds = Date.parse(timestamp);
  return Number.isFinite(milliseconds) ? milliseconds : 0;
}

/** Byte order of the UTF-8 strings, as SQLite's BINARY collation and sorted-set members compare. */
export function compareBytes(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left), Buffer.from(right));
}

/** ZRANGE WITHSCORES replies flat under RESP2 and as pairs under RESP3. */
export function scoredMembers(reply: unknown[]): Array<{ member: string; score: number }> {
  if (reply.length > 0 && Array.isArray(reply[0])) {
    return (reply as Array<[string, string | number]>).map(([member, score]) => ({ member, score: Number(score) }));
  }
  const members: Array<{ member: string; score: number }> = [];
  for (let index = 0; index < reply.length; index += 2) members.push({ member: String(reply[index]), score: Number(reply[index + 1]) });
  return members;
}
