/** One memory change a reflection pass made, as the faces show it. */
export interface ReflectionChange {
  label: string;
  action: string;
  before: string;
  after: string;
  reason?: string;
  /** The memory history event, for `memory undo <id>` (absent for archival inserts, which have no listener). */
  eventId?: string;
}

/** "learned" for new text, "revised" for a correction or a condensed block. */
export function changeVerb(c: Pick<ReflectionChange, "action">): string {
  return c.action === "replace" || c.action === "rethink" || c.action === "set" ? "revised" : "learned";
}

/** What a change added: the appended tail for an append, the new text otherwise. */
export function addedText(c: Pick<ReflectionChange, "action" | "before" | "after">): string {
  if (c.action === "append" && c.after.startsWith(c.before)) return c.after.slice(c.before.length).trim();
  return c.after.trim();
}

/** The first words of `text` on one line, at most `max` characters, cut at a word. */
export function firstWords(text: string, max: number): string {
  const one = text.replace(/\s+/g, " ").trim();
  if (one.length <= max) return one;
  const cut = one.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}
