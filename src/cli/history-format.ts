/** How memory events read on a terminal: one line each for `memory log`, a unified diff for `memory diff`. */
import { createTwoFilesPatch } from "diff";
import { eventSubject, parsePassageValue, type MemoryEvent } from "../memory/history-event.js";

export { eventSubject };

const oneLine = (s: string, max: number) => {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

export function logLine(e: MemoryEvent): string {
  const when = e.at.replace("T", " ").slice(0, 19);
  const undoes = e.undoes ? ` (undoes ${e.undoes})` : "";
  const why = e.reason ? `  — ${oneLine(e.reason, 80)}` : "";
  const shared = e.scope === "user" ? " [shared]" : "";
  const from = e.origin ? ` (from ${e.origin})` : "";
  return `${e.id}  ${when}  ${e.actor.padEnd(10)} ${e.op.padEnd(8)} ${eventSubject(e)}${shared}${from}${undoes}${why}`;
}

/** A passage as diffable text: its tags and date, then its text. */
function passageText(v: string | null): string {
  const p = parsePassageValue(v);
  return p ? `tags: ${p.tags.join(", ") || "(none)"}\ndate: ${p.created_at}\n\n${p.text}\n` : "";
}

export function eventDiff(e: MemoryEvent, color: boolean): string {
  const text = (v: string | null) => (e.kind === "block" ? (v === null ? "" : v.endsWith("\n") ? v : `${v}\n`) : passageText(v));
  const name = e.kind === "block" ? e.label! : `passage-${e.passage_id!.slice(0, 12)}`;
  const header = [
    `event ${e.id}  ${e.at}  ${e.actor} ${e.op}${e.origin ? ` from ${e.origin}` : ""}${e.undoes ? ` (undoes ${e.undoes})` : ""}`,
    ...(e.reason ? [`reason: ${e.reason}`] : []),
  ];
  const patch = createTwoFilesPatch(
    e.before === null ? "/dev/null" : `a/${name}`,
    e.after === null ? "/dev/null" : `b/${name}`,
    text(e.before),
    text(e.after),
    undefined,
    undefined,
    { context: 3 },
  )
    .split("\n")
    // The "====" banner createTwoFilesPatch starts with says nothing a reader needs.
    .filter((l) => !/^=+$/.test(l));
  const body = patch.map((l) => (color ? paint(l) : l));
  return [...header, ...body].join("\n").replace(/\n+$/, "\n");
}

function paint(l: string): string {
  if (l.startsWith("+++") || l.startsWith("---")) return `\x1b[1m${l}\x1b[22m`;
  if (l.startsWith("+")) return `\x1b[32m${l}\x1b[39m`;
  if (l.startsWith("-")) return `\x1b[31m${l}\x1b[39m`;
  if (l.startsWith("@@")) return `\x1b[36m${l}\x1b[39m`;
  return l;
}

/** Colour only for a person at a terminal who has not asked for none (https://no-color.org). */
export function wantsColor(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return !!stream.isTTY && !env.NO_COLOR;
}
