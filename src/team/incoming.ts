/*
 * What another machine's event may carry. The team database is written by other people (and by
 * anyone holding its password): an event is checked before it touches this machine's memory, and
 * one that fails is skipped with its reason, never thrown, so it cannot stall every later sync.
 */
import { BLOCK_LABEL, DEFAULT_BLOCK_LIMIT } from "../memory/core-memory.js";
import type { TeamEvent } from "../store/team-pg.js";

/**
 * The most text a block may hold after a pull, unless this machine gave the block a larger limit itself.
 * Local edits stop at the block's limit (5000 by default); a teammate may have raised theirs, and two
 * appends merged may pass it, so a pull may grow a block up to this and no further: a block is in every
 * prompt, and the limit is this user's to raise, not the team's.
 */
export const MAX_PULLED_BLOCK_CHARS = 4 * DEFAULT_BLOCK_LIMIT;
/** Most blocks an agent may have for a pull to add one more: each is in every prompt. */
export const MAX_PULLED_BLOCKS = 32;
/**
 * Longest text column the pull fetches at all; a longer one arrives as refused, unread. Bounds one
 * batch's memory (at most LETTA_TEAM_BATCH rows of this) against a row holding a gigabyte.
 */
export const MAX_EVENT_TEXT = 100_000;

/**
 * How far ahead of this machine's clock an event's time may be. Times order edits ("the later wins", compared
 * as ISO text): one stamped years ahead would win every later conflict on this block, so it is refused.
 */
export const MAX_CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;
/** The form every clone writes (Date#toISOString): compared as text, any other form would sort wrongly. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const ACTORS = new Set(["agent", "reflection", "user", "api"]);
const ID = /^[A-Za-z0-9_.:-]{1,100}$/;
const OP = /^[a-z_-]{1,40}$/;
/** C0/C1 controls but newline and tab: an ESC in a name shown by `memory log` or the TUI would steer the terminal. */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** A short line another person wrote (origin, reason) as safe to print: no control characters, bounded. */
export function printable(s: string | null, max: number): string | null {
  if (s === null) return null;
  const clean = s.replace(CONTROLS, "").replace(/[\n\t]/g, " ");
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** Why this event may not be applied here, or undefined when it may. */
export function refusal(ev: TeamEvent & { oversized?: boolean }): string | undefined {
  if (ev.oversized) return `its text is over ${MAX_EVENT_TEXT} characters`;
  if (typeof ev.id !== "string" || !ID.test(ev.id)) return "its id is malformed";
  if (ev.kind !== "block" && ev.kind !== "passage") return `unknown kind ${JSON.stringify(printable(String(ev.kind), 40))}`;
  if (!ACTORS.has(ev.actor)) return `unknown actor ${JSON.stringify(printable(String(ev.actor), 40))}`;
  if (typeof ev.op !== "string" || !OP.test(ev.op)) return "its op is malformed";
  if (typeof ev.at !== "string" || !ISO_UTC.test(ev.at) || Number.isNaN(Date.parse(ev.at))) return "its time is not an ISO-8601 UTC time";
  if (Date.parse(ev.at) > Date.now() + MAX_CLOCK_AHEAD_MS) return "its time is more than a day ahead of this machine's clock";
  if (ev.kind === "block" && (typeof ev.label !== "string" || !BLOCK_LABEL.test(ev.label))) return "its block label is not a valid label";
  if (ev.undoes !== null && (typeof ev.undoes !== "string" || !ID.test(ev.undoes))) return "its undo target is malformed";
  return undefined;
}
