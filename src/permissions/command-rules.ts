import { splitShellCommand } from "./shell-split.js";
import { programName, shellArgv, type Word } from "./shell-words.js";

/**
 * A run_shell rule's pattern as an argv. `npm test` allows exactly `npm test` or `npm test -- …`;
 * `npm test:*` (or `npm test *`) allows any further arguments.
 */
export interface CommandPattern {
  words: Word[];
  anyArgs: boolean;
  /** Why the pattern cannot be used as written, if it cannot. */
  error?: string;
}

export function parseCommandPattern(pattern: string): CommandPattern {
  let body = pattern.trim();
  let anyArgs = false;
  if (body.endsWith(":*")) {
    anyArgs = true;
    body = body.slice(0, -2).trimEnd();
  }
  const { words, unterminated } = shellArgv(body);
  const last = words.at(-1);
  if (!anyArgs && last && last.text === "*" && last.glob && words.length > 1) {
    anyArgs = true;
    words.pop();
  }
  const fail = (error: string): CommandPattern => ({ words, anyArgs, error });
  if (unterminated) return fail("unterminated quote");
  if (words.length === 0) return fail("no command before :*");
  const unquoted = body.replace(/'[^']*'|"(?:[^"\\]|\\.)*"|\\./g, "");
  if (unquoted.includes(":*")) return fail('":*" may only end the pattern, as in run_shell(npm test:*)');
  const split = splitShellCommand(body);
  if (split.commands.length !== 1 || split.nested.length || split.opaque || /[<>]/.test(unquoted)) {
    return fail("a command rule matches one simple command, without operators, redirections or substitutions; write one rule per command");
  }
  return { words, anyArgs };
}

const DESTRUCTIVE = /^(rm|rmdir|unlink|dd|mkfs(\.\w+)?|shred|truncate|chmod|chown|chgrp|mv|cp|ln|install|rsync|scp|tee|kill|pkill|killall|sudo|su|doas|reboot|shutdown)$/;
const DESTRUCTIVE_GIT = /^(push|reset|clean|checkout|restore|rebase|branch|tag|rm|mv)$/;

/**
 * Commands whose further arguments are more things to act on (`rm -rf build -- ~` also removes ~):
 * "don't ask again" remembers them exactly, and `--` does not open their rules.
 */
export function isDestructive(argv: readonly Word[]): boolean {
  const name = argv[0] ? programName(argv[0].text) : "";
  return DESTRUCTIVE.test(name) || (name === "git" && DESTRUCTIVE_GIT.test(argv[1]?.text ?? ""));
}

/** Allow side, strict: the argv is the rule's words exactly (program as written), then nothing, `--` …, or anything with :*. */
export function allowsArgv(p: CommandPattern, argv: Word[]): boolean {
  if (p.error || argv.length < p.words.length) return false;
  for (let i = 0; i < p.words.length; i++) {
    const a = argv[i];
    const r = p.words[i];
    if (a.dynamic || a.text !== r.text || a.glob !== r.glob) return false;
  }
  if (argv.length === p.words.length || p.anyArgs) return true;
  // `--` passes the rest through (`npm test -- -t x`), unless the rule already has one or the
  // command treats what follows as more files to act on.
  const next = argv[p.words.length];
  if (p.words.some((w) => w.text === "--") || isDestructive(p.words)) return false;
  return !next.dynamic && next.text === "--";
}

export type DenyMatch = "match" | "maybe" | "no";

/**
 * Deny side, loose: the program's basename is the rule's, and the rule's other words follow it, past
 * any options in between (`git -C dir push` is `git push`). Options of the rule may appear anywhere
 * later (`git push --force` matches `git push origin --force`). "maybe": a word that decides is
 * computed at run time.
 */
export function deniesArgv(p: CommandPattern, argv: Word[]): DenyMatch {
  if (!p.words.length || !argv.length) return "no";
  const prog = argv[0];
  if (prog.dynamic || prog.glob) return "maybe";
  if (programName(prog.text) !== programName(p.words[0].text)) return "no";
  const rule = p.words.map((w) => w.text);
  const memo = new Map<string, DenyMatch>();
  const best = (a: DenyMatch, b: DenyMatch): DenyMatch => (a === "match" || b === "match" ? "match" : a === "maybe" || b === "maybe" ? "maybe" : "no");
  const from = (ri: number, ai: number): DenyMatch => {
    if (ri === rule.length) return "match";
    const key = `${ri}:${ai}`;
    const known = memo.get(key);
    if (known) return known;
    memo.set(key, "no");
    const w = argv[ai];
    let result: DenyMatch = "no";
    if (w) {
      const r = rule[ri];
      if (w.dynamic || w.glob) result = "maybe";
      else {
        if (w.text === r) result = from(ri + 1, ai + 1);
        if (result !== "match") {
          if (r.startsWith("-")) result = best(result, from(ri, ai + 1));
          else if (w.text.startsWith("-") && w.text.length > 1) {
            // An option, perhaps with its value as the next word: try both.
            result = best(result, from(ri, ai + 1));
            if (!w.text.includes("=")) result = best(result, from(ri, ai + 2));
          }
        }
      }
    }
    memo.set(key, result);
    return result;
  };
  return from(1, 1);
}
