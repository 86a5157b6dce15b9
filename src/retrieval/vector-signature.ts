/** Bits in a signature at least; 1,024 keeps recall@10 after rescoring above 0.95 on the bench. */
const minimumBits = 1024;

export interface VectorSigner {
  /** Signature length in 32-bit words. */
  readonly words: number;
  /** The signature of a vector: one sign bit per random hyperplane, packed little-endian. */
  sign(vector: ArrayLike<number>): Uint32Array;
}

/**
 * SimHash signatures (Charikar, 2002) for `dimensions`-long vectors: the Hamming distance
 * between two signatures estimates the angle between the vectors, so a scan of signatures
 * finds cosine nearest-neighbour candidates at a 32nd of the bytes of float32 vectors.
 * The hyperplanes are randomized Hadamard transforms (random signs, fast Walsh-Hadamard
 * transform, random signs, transform again), which cost O(d log d) per vector instead of the
 * O(d × bits) of a dense Gaussian matrix and, unlike the sign of the raw coordinates, work for
 * sparse vectors too. The random signs are derived from a fixed seed, so signatures stored
 * in a database stay comparable across processes and versions.
 */
export function createVectorSigner(dimensions: number): VectorSigner {
  let width = 1;
  while (width < dimensions) width *= 2;
  const rounds = Math.max(1, Math.ceil(minimumBits / width));
  const random = seededRandom(0x5eed);
  const flips = Array.from({ length: rounds * 2 }, () => Float64Array.from({ length: width }, () => (random() & 1 ? -1 : 1)));
  const words = (rounds * width) / 32;
  const buffer = new Float64Array(width);

  return {
    words: Math.ceil(words),
    sign(vector) {
      const signature = new Uint32Array(Math.ceil(words));
      for (let round = 0; round < rounds; round++) {
        const before = flips[round * 2] as Float64Array;
        const after = flips[round * 2 + 1] as Float64Array;
        // Coordinates past the vector's end are the zero padding up to a power of two.
        for (let index = 0; index < width; index++) {
          buffer[index] = index < vector.length ? (vector[index] as number) * (before[index] as number) : 0;
        }
        walshHadamard(buffer);
        for (let index = 0; index < width; index++) buffer[index] = (buffer[index] as number) * (after[index] as number);
        walshHadamard(buffer);
        for (let index = 0; index < width; index++) {
          if ((buffer[index] as number) > 0) {
            const bit = round * width + index;
            signature[bit >>> 5] = (signature[bit >>> 5] as number) | (1 << (bit & 31));
          }
        }
      }
      return signature;
    },
  };
}

/**
 * mulberry32: a small fixed-seed generator whose every bit is well mixed. (The low bit of a
 * string hash such as FNV-1a is not: it is the parity of the characters, and signs drawn from
 * it left the hyperplanes correlated and recall at 0.69.)
 */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), state | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return (value ^ (value >>> 14)) >>> 0;
  };
}

/** In-place unnormalized fast Walsh-Hadamard transform; the length must be a power of two. */
function walshHadamard(values: Float64Array): void {
  for (let half = 1; half < values.length; half *= 2) {
    for (let start = 0; start < values.length; start += half * 2) {
      for (let index = start; index < start + half; index++) {
        const left = values[index] as number;
        const right = values[index + half] as number;
        values[index] = left + right;
        values[index + half] = left - right;
      }
    }
  }
}

// Set bits of every 16-bit value: two lookups count a 32-bit word, faster in JavaScript than
// bit-twiddling popcount.
const bitCounts = new Uint8Array(1 << 16);
for (let value = 1; value < bitCounts.length; value++) bitCounts[value] = (bitCounts[value >>> 1] as number) + (value & 1);

/**
 * The positions (into `signatures`, `words` words each) of the `count` signatures nearest to
 * `query` by Hamming distance, in storage order.
 */
export function nearestSignatures(signatures: Uint32Array, query: Uint32Array, count: number): number[] {
  const words = query.length;
  const total = signatures.length / words;
  const distances = new Uint16Array(total);
  const histogram = new Uint32Array(words * 32 + 1);
  for (let position = 0; position < total; position++) {
    let distance = 0;
    const offset = position * words;
    for (let word = 0; word < words; word++) {
      const difference = (signatures[offset + word] as number) ^ (query[word] as number);
      distance += (bitCounts[difference & 0xffff] as number) + (bitCounts[difference >>> 16] as number);
    }
    distances[position] = distance;
    histogram[distance] = (histogram[distance] as number) + 1;
  }
  // A counting selection: the smallest distance that admits `count` signatures, then one pass.
  let cutoff = 0;
  let closer = 0;
  while (cutoff < histogram.length - 1 && closer + (histogram[cutoff] as number) < count) closer += histogram[cutoff++] as number;
  let tied = count - closer;
  const nearest: number[] = [];
  for (let position = 0; position < total; position++) {
    const distance = distances[position] as number;
    if (distance < cutoff || (distance === cutoff && tied-- > 0)) nearest.push(position);
  }
  return nearest;
}
