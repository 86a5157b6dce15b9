/**
 * 32-bit FNV-1a over the UTF-16 code units: small, fast and stable across runs and platforms,
 * which is what feature hashing needs (the same word must land in the same bucket forever).
 * @example fnv1a('refund') // an unsigned 32-bit integer
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
