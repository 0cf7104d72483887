/**
 * A single bare word that is a typo of a subcommand (`letta-code rewnid`) would otherwise become a
 * prompt: a model call and a stored turn for what was meant as a command. Such a word is asked
 * about instead; anything else (a real one-word prompt) goes through.
 */
export function nearMissCommand(word: string, commands: string[]): string | undefined {
  if (!/^[a-z][a-z-]{2,}$/i.test(word)) return undefined;
  const w = word.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const name of commands) {
    const d = distance(w, name);
    // Two edits at most, and fewer than half the word: "fix" is not a typo of "mcp".
    if (d === 0 || d > 2 || d * 2 >= w.length) continue;
    if (!best || d < best.d) best = { name, d };
  }
  return best?.name;
}

/** Optimal string alignment distance: a swap of neighbours counts as one edit. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
