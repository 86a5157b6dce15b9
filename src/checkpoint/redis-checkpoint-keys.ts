import { AppError } from '../errors.ts';
import { defaultTenant } from './checkpoint-tenant.ts';

/**
 * Key layout of the Redis checkpointer. A tenant's thread owns exactly seven keys, all under
 * one hash tag, whatever its number of checkpoints or namespaces: so a
 * write can refresh the whole thread's TTL in the same transaction, `deleteThread`
 * is one UNLINK, and Redis Cluster keeps a thread on one slot. Namespaces live in
 * members and fields, never in key names.
 *
 * Members and fields join their parts with NUL, which no part may contain; NUL sorts
 * below every other byte, so a lexicographic range `[prefix\0, prefix\1)` selects
 * exactly the entries of one namespace or one checkpoint.
 */
export interface RedisThreadKeys {
  /** Sorted set, all scores 0, members `namespace\0checkpointId`: latest and list per namespace. */
  namespaceIndex: string;
  /** Sorted set, members `checkpointId\0namespace`: newest first across namespaces. */
  timeline: string;
  /** Hash `namespace\0checkpointId` → checkpoint record (checkpoint without values, metadata, parent). */
  checkpoints: string;
  /** Hash `namespace\0checkpointId` → JSON `[channel, version][]`, read by the load script. */
  channels: string;
  /** Hash `namespace\0channel\0version` → serialized channel value, written once per version. */
  blobs: string;
  /** Hash `namespace\0checkpointId\0taskId\0index` → pending write record. */
  writes: string;
  /** Sorted set of the `writes` fields, so one checkpoint's writes are one range read. */
  writeIndex: string;
}

const separator = '\u0000';
const timelineSuffix = ':timeline';

/**
 * The hash tag of one tenant's thread: `{tenant:thread}`, both URI-encoded, and `{thread}` for
 * the default tenant, which is the layout every thread had before checkpoints were keyed by
 * tenant (so existing data stays the default tenant's). Encoding keeps braces and colons of an
 * id from moving the hash tag, and since `encodeURIComponent` never emits `:`, a tag holds a
 * colon exactly when it names a tenant, and splits at it in one way only: no two (tenant,
 * thread) pairs share a tag.
 */
function threadTag(tenant: string, threadId: string): string {
  const thread = encodeURIComponent(threadId);
  return tenant === defaultTenant ? thread : `${encodeURIComponent(tenant)}:${thread}`;
}

/** Every key of one tenant's thread, in the order the load script expects them as KEYS. */
export function createRedisThreadKeys(prefix: string, tenant: string, threadId: string): RedisThreadKeys {
  const base = `${prefix}:{${threadTag(tenant, threadId)}}`;
  return {
    namespaceIndex: `${base}:namespace-index`,
    timeline: `${base}${timelineSuffix}`,
    checkpoints: `${base}:checkpoints`,
    channels: `${base}:channels`,
    blobs: `${base}:blobs`,
    writes: `${base}:writes`,
    writeIndex: `${base}:write-index`,
  };
}

export function listThreadKeys(keys: RedisThreadKeys): string[] {
  return [keys.namespaceIndex, keys.timeline, keys.checkpoints, keys.channels, keys.blobs, keys.writes, keys.writeIndex];
}

/** SCAN pattern matching the timeline key of every thread of every tenant under a prefix. */
export function timelineKeyPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, (character) => `\\${character}`)}:{*}${timelineSuffix}`;
}

/** Inverse of the timeline key of `createRedisThreadKeys`: whose thread it is. */
export function threadOfTimelineKey(prefix: string, key: string): { tenant: string; threadId: string } {
  const tag = key.slice(prefix.length + 2, key.length - timelineSuffix.length - 1);
  const colon = tag.indexOf(':');
  if (colon < 0) return { tenant: defaultTenant, threadId: decodeURIComponent(tag) };
  return { tenant: decodeURIComponent(tag.slice(0, colon)), threadId: decodeURIComponent(tag.slice(colon + 1)) };
}

export function checkpointMember(namespace: string, checkpointId: string): string {
  return `${namespace}${separator}${checkpointId}`;
}

export function timelineMember(checkpointId: string, namespace: string): string {
  return `${checkpointId}${separator}${namespace}`;
}

export function blobField(namespace: string, channel: string, version: string): string {
  return `${namespace}${separator}${channel}${separator}${version}`;
}

export function writeField(namespace: string, checkpointId: string, taskId: string, index: number): string {
  return `${namespace}${separator}${checkpointId}${separator}${taskId}${separator}${index}`;
}

/** Splits `a\0b` into `[a, b]`; used for both index orders. */
export function splitMember(member: string): [string, string] {
  const at = member.indexOf(separator);
  return [member.slice(0, at), member.slice(at + 1)];
}

/** Lexicographic bounds selecting every member that starts with `head\0`. */
export function rangeOf(head: string): { min: string; max: string } {
  return { min: `[${head}${separator}`, max: `(${head}\u0001` };
}

/**
 * Which index `list` walks and its lexicographic bounds, newest first: one namespace
 * through the namespace index, all namespaces through the timeline; `beforeId` is an
 * exclusive upper bound and a given checkpoint id narrows the walk to that id.
 */
export function listRange(
  namespace: string | undefined,
  checkpointId: string | undefined,
  beforeId: string | undefined,
): { index: 'namespace' | 'timeline'; max: string; min: string } {
  if (namespace !== undefined) {
    const bounds = rangeOf(namespace);
    const max = beforeId === undefined ? bounds.max : `(${checkpointMember(namespace, beforeId)}`;
    return { index: 'namespace', max, min: bounds.min };
  }
  if (checkpointId) {
    return { index: 'timeline', ...rangeOf(checkpointId) };
  }
  return { index: 'timeline', max: beforeId === undefined ? '+' : `(${beforeId}`, min: '-' };
}

/** Rejects parts that would break the NUL-joined layout; real ids never contain NUL. */
export function assertStorablePart(name: string, value: string): void {
  if (value.includes(separator)) {
    throw new AppError('BAD_REQUEST', `The ${name} may not contain a NUL character.`);
  }
}
