import { lookupRank, type RankTable } from "./rank-table.js";

/**
 * Byte-pair encoding over a RankTable, giving exactly js-tiktoken's tokens for text with no special tokens
 * allowed (so "<|endoftext|>" is ordinary text): split by the encoding's regex, then in each piece merge the
 * adjacent pair with the lowest rank, the leftmost on a tie, until no pair is a token. Only the two pairs
 * next to a merge change, so those are the only ranks recomputed (js-tiktoken recomputes them all).
 */
export class BpeEncoder {
  private readonly regex: RegExp;
  private readonly utf8 = new TextEncoder();
  private scratch = new Uint8Array(256);
  private bounds = new Int32Array(64);
  private pairRanks = new Int32Array(64);

  constructor(private readonly table: RankTable) {
    this.regex = new RegExp(table.patStr, "gu");
  }

  /** The token ids, for comparing with js-tiktoken; counting uses `count`, which allocates none. */
  encode(text: string): number[] {
    const out: number[] = [];
    this.run(text, out);
    return out;
  }

  count(text: string): number {
    return this.run(text, undefined);
  }

  private run(text: string, out: number[] | undefined): number {
    let total = 0;
    this.regex.lastIndex = 0;
    for (let m = this.regex.exec(text); m !== null; m = this.regex.exec(text)) {
      const piece = m[0];
      // A UTF-16 code unit is at most 3 UTF-8 bytes.
      if (this.scratch.length < piece.length * 3) this.scratch = new Uint8Array(piece.length * 3);
      const n = this.utf8.encodeInto(piece, this.scratch).written;
      total += this.piece(n, out);
    }
    return total;
  }

  private piece(n: number, out: number[] | undefined): number {
    const { table, scratch } = this;
    const whole = lookupRank(table, scratch, 0, n);
    if (whole >= 0) {
      out?.push(whole);
      return 1;
    }
    if (this.bounds.length < n + 1) {
      this.bounds = new Int32Array(n + 1);
      this.pairRanks = new Int32Array(n + 1);
    }
    const { bounds, pairRanks } = this;
    // Parts are bytes[bounds[i]..bounds[i+1]); pairRanks[i] is the rank of parts i and i+1 joined, or -1.
    let parts = n;
    for (let i = 0; i <= n; i++) bounds[i] = i;
    for (let i = 0; i < n - 1; i++) pairRanks[i] = lookupRank(table, scratch, i, i + 2);
    while (parts > 1) {
      let best = -1;
      let bestRank = 0;
      for (let i = 0; i < parts - 1; i++) {
        const r = pairRanks[i]!;
        if (r >= 0 && (best < 0 || r < bestRank)) {
          best = i;
          bestRank = r;
        }
      }
      if (best < 0) break;
      bounds.copyWithin(best + 1, best + 2, parts + 1);
      pairRanks.copyWithin(best + 1, best + 2, parts - 1);
      parts--;
      if (best > 0) pairRanks[best - 1] = lookupRank(table, scratch, bounds[best - 1]!, bounds[best + 1]!);
      if (best < parts - 1) pairRanks[best] = lookupRank(table, scratch, bounds[best]!, bounds[best + 2]!);
    }
    if (out) for (let i = 0; i < parts; i++) out.push(lookupRank(table, scratch, bounds[i]!, bounds[i + 1]!));
    return parts;
  }
}
