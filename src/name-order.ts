/**
 * Names and paths in the order a person expects (case aside, then exact), without the locale's
 * collation: String.prototype.localeCompare's first call starts ICU's collator, ~9 ms of a one-shot
 * run that has skills or commands to list, or of a tool call that lists files.
 */
export function compareNames(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
