import { createHash } from "node:crypto";

/** 32-bit FNV-1a-ish string hash followed by a murmur finaliser: seeds sub-generators from labels. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 40-hex object id; sha1 keeps ids realistic and stable across runs for the same seed. */
export function sha1Hex(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/**
 * Small seeded PRNG (sfc32). Every random decision in the simulator goes through one of these so that a
 * scenario and a fault schedule are fully determined by their seeds.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    const s = typeof seed === "number" ? `n:${seed}` : `s:${seed}`;
    this.a = hash32(`${s}#a`);
    this.b = hash32(`${s}#b`);
    this.c = hash32(`${s}#c`);
    this.d = hash32(`${s}#d`) | 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("Rng.pick on an empty list");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Weighted choice: `[[value, weight], ...]`. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let u = this.next() * total;
    for (const [v, w] of choices) {
      u -= w;
      if (u < 0) return v;
    }
    return (choices[choices.length - 1] as readonly [T, number])[0];
  }

  /** Integer count with the given mean (floor plus a Bernoulli on the fraction). */
  count(mean: number): number {
    const whole = Math.floor(mean);
    return whole + (this.chance(mean - whole) ? 1 : 0);
  }

  hex(length: number): string {
    let out = "";
    while (out.length < length)
      out += Math.floor(this.next() * 0x100000000)
        .toString(16)
        .padStart(8, "0");
    return out.slice(0, length);
  }
}
