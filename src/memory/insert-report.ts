import type { InsertResult } from "./access.js";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * One sentence saying what an insert really did. A long text of repeated lines is split into many
 * identical pieces that are stored once: "954 passages: 1, 1, 1, …" would claim otherwise.
 */
export function describeInsert(r: InsertResult): string {
  const list = (ids: number[], max = 10) => {
    const shown = ids.slice(0, max).map((id) => `#${id}`).join(", ");
    return ids.length > max ? `${shown}, … (${ids.length - max} more)` : shown;
  };
  if (r.stored.length === 0) {
    return `Already in archival memory (${r.ids.length === 1 ? "passage" : "passages"} ${list(r.ids)}); not stored twice.`;
  }
  const repeats = r.pieces - r.ids.length;
  const repeated = repeats > 0 ? `; ${plural(repeats, "repeated piece")} of the text ${repeats === 1 ? "was" : "were"} not stored twice` : "";
  const already = r.alreadyStored.length ? `; ${plural(r.alreadyStored.length, "piece")} already there (${list(r.alreadyStored)})` : "";
  return `Stored in archival memory as ${plural(r.stored.length, "new passage")}: ${list(r.stored)}${already}${repeated}.`;
}
