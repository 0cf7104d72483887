import { diffArrays } from "diff";

/** A change of one side against the base: base lines [start, end) become `lines`. */
interface Hunk {
  start: number;
  end: number;
  lines: string[];
  side: "ours" | "theirs";
}

/**
 * Most lines one side may change for a line-by-line merge. The diff's cost grows with the lines times
 * the changes: a teammate's event rewriting 10k short lines took 26 s of this process's only thread (a
 * frozen TUI). A bound on changes, not on time, so every machine merges the same way.
 */
export const MAX_MERGE_EDITS = 1000;

/** One side's hunks; undefined when it changes more than MAX_MERGE_EDITS lines. */
function hunks(base: string[], other: string[], side: Hunk["side"]): Hunk[] | undefined {
  const out: Hunk[] = [];
  let pos = 0;
  let open: Hunk | undefined;
  const parts = diffArrays(base, other, { maxEditLength: MAX_MERGE_EDITS });
  if (!parts) return undefined;
  for (const part of parts) {
    const n = part.count ?? part.value.length;
    if (!part.added && !part.removed) {
      if (open) out.push(open);
      open = undefined;
      pos += n;
      continue;
    }
    open ??= { start: pos, end: pos, lines: [], side };
    if (part.removed) {
      open.end += n;
      pos += n;
    } else open.lines.push(...part.value);
  }
  if (open) out.push(open);
  return out;
}

export interface MergeResult {
  text: string;
  /** Lines both sides changed differently: the later side's version was kept. */
  conflict: boolean;
}

/**
 * Three-way merge of a block edited on two machines, line by line, with the text both edits were made
 * on as the base. Changes to different lines both apply; two insertions at the same place both stay
 * (the earlier edit's first, so every machine ends with the same text); overlapping changes keep the
 * later edit's version and report a conflict.
 */
export function mergeBlock(base: string, ours: string, theirs: string, theirsIsLater: boolean): MergeResult {
  if (ours === theirs || theirs === base) return { text: ours, conflict: false };
  if (ours === base) return { text: theirs, conflict: false };
  const b = base.split("\n");
  const ourHunks = hunks(b, ours.split("\n"), "ours");
  const theirHunks = ourHunks && hunks(b, theirs.split("\n"), "theirs");
  // Too much changed to merge by lines: one overlapping change of the whole block, the later edit wins.
  if (!ourHunks || !theirHunks) return { text: theirsIsLater ? theirs : ours, conflict: true };
  const all = [...ourHunks, ...theirHunks].sort(
    (x, y) => x.start - y.start || x.end - y.end,
  );
  const first: Hunk["side"] = theirsIsLater ? "ours" : "theirs";
  const out: string[] = [];
  let pos = 0;
  let conflict = false;
  for (let i = 0; i < all.length; ) {
    // A cluster: hunks whose base ranges overlap, or that start at the same line.
    const cluster = [all[i]];
    let end = all[i].end;
    for (i++; i < all.length && (all[i].start < end || all[i].start === cluster[0].start); i++) {
      cluster.push(all[i]);
      end = Math.max(end, all[i].end);
    }
    const start = cluster[0].start;
    out.push(...b.slice(pos, start));
    pos = end;
    const sides = new Set(cluster.map((h) => h.side));
    if (sides.size === 1) {
      out.push(...applyWithin(b, start, end, cluster));
      continue;
    }
    const ourH = cluster.filter((h) => h.side === "ours");
    const theirH = cluster.filter((h) => h.side === "theirs");
    const ourText = applyWithin(b, start, end, ourH);
    const theirText = applyWithin(b, start, end, theirH);
    if (ourText.join("\n") === theirText.join("\n")) out.push(...ourText);
    else if (cluster.every((h) => h.start === h.end)) {
      // Both only added lines here (two appends, say): keep both, the earlier edit's first.
      out.push(...(first === "ours" ? [...ourText, ...theirText] : [...theirText, ...ourText]));
    } else {
      conflict = true;
      out.push(...(theirsIsLater ? theirText : ourText));
    }
  }
  out.push(...b.slice(pos));
  return { text: out.join("\n"), conflict };
}

/** Base lines [start, end) with one side's hunks (all inside that range) applied. */
function applyWithin(base: string[], start: number, end: number, hs: Hunk[]): string[] {
  const out: string[] = [];
  let pos = start;
  for (const h of [...hs].sort((x, y) => x.start - y.start)) {
    out.push(...base.slice(pos, h.start), ...h.lines);
    pos = h.end;
  }
  out.push(...base.slice(pos, end));
  return out;
}
