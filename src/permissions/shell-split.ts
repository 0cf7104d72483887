import { matchClose } from "./shell-words.js";

/**
 * Just enough bash syntax to judge a command line against permission rules: split it into simple
 * commands at control operators (&& || ; | & newline, subshell parens), pull out the commands
 * hidden in substitutions, and flag anything whose effect a prefix cannot describe (substitutions,
 * output redirection to files, unterminated quotes). Not a full parser; callers must stay
 * conservative: "opaque" means "never auto-allow".
 */
export interface SplitCommand {
  /** Top-level simple commands, trimmed, in order (shell-words turns one into an argv). */
  commands: string[];
  /** Commands inside $(...), `...`, <(...), >(...): they run too, so deny rules must see them. */
  nested: string[];
  /** True when an allow rule must not match (substitution, redirect to a file, parse trouble). */
  opaque: boolean;
}

const SAFE_REDIRECT_TARGET = /^(&\d+|&-|\/dev\/null|\/dev\/stdout|\/dev\/stderr)$/;

export function splitShellCommand(input: string): SplitCommand {
  const commands: string[] = [];
  const nested: string[] = [];
  let opaque = false;
  let cur = "";
  const flush = () => {
    // Only trimmed: whitespace inside quotes is part of an argument, and `r\<newline>m` must stay `rm`.
    const c = cur.trim();
    if (c) commands.push(c);
    cur = "";
  };
  const addNested = (inner: string) => {
    const sub = splitShellCommand(inner);
    nested.push(...sub.commands, ...sub.nested);
  };
  /** A substitution starting at i (`$(`, `<(`, `>(`): returns the index after it. */
  const substitution = (i: number, openAt: number): number => {
    opaque = true;
    const end = matchClose(input, openAt);
    if (end === -1) {
      addNested(input.slice(openAt + 1));
      return input.length;
    }
    addNested(input.slice(openAt + 1, end - 1));
    cur += input.slice(i, end);
    return end;
  };
  const backtick = (i: number): number => {
    opaque = true;
    const end = input.indexOf("`", i + 1);
    const stop = end === -1 ? input.length : end + 1;
    addNested(input.slice(i + 1, end === -1 ? input.length : end));
    cur += input.slice(i, stop);
    return stop;
  };

  let i = 0;
  while (i < input.length) {
    const c = input[i];
    const next = input[i + 1];
    if (c === "\\") {
      cur += input.slice(i, i + 2);
      i += 2;
    } else if (c === "'") {
      const j = input.indexOf("'", i + 1);
      if (j === -1) {
        opaque = true;
        cur += input.slice(i);
        i = input.length;
      } else {
        cur += input.slice(i, j + 1);
        i = j + 1;
      }
    } else if (c === '"') {
      // Double quotes still expand $(...) and `...`.
      let j = i + 1;
      cur += c;
      while (j < input.length && input[j] !== '"') {
        if (input[j] === "\\") {
          cur += input.slice(j, j + 2);
          j += 2;
        } else if (input[j] === "$" && input[j + 1] === "(") {
          j = substitution(j, j + 1);
        } else if (input[j] === "`") {
          j = backtick(j);
        } else {
          cur += input[j++];
        }
      }
      if (j >= input.length) opaque = true;
      else cur += '"';
      i = j + 1;
    } else if (c === "$" && next === "(") {
      i = substitution(i, i + 1);
    } else if (c === "`") {
      i = backtick(i);
    } else if ((c === "<" || c === ">") && next === "(") {
      i = substitution(i, i + 1);
    } else if (c === ">" || (c === "&" && next === ">")) {
      // Output redirection: only to /dev/null or another descriptor keeps a command describable.
      let j = i + (c === "&" ? 2 : 1);
      if (input[j] === ">" || input[j] === "|") j++;
      let target = "";
      if (input[j] === "&") {
        target = "&";
        j++;
      }
      while (input[j] === " " || input[j] === "\t") j++;
      const m = /^[^\s;&|()<>]*/.exec(input.slice(j));
      target += m ? m[0] : "";
      if (!SAFE_REDIRECT_TARGET.test(target)) opaque = true;
      cur += input.slice(i, j + (m ? m[0].length : 0));
      i = j + (m ? m[0].length : 0);
    } else if (c === ";" || c === "\n" || c === "|" || c === "&" || c === "(" || c === ")") {
      flush();
      i += c !== "(" && c !== ")" && (next === c || (c === "|" && next === "&")) ? 2 : 1;
    } else if (c === "#" && (cur === "" || /\s$/.test(cur))) {
      const nl = input.indexOf("\n", i);
      i = nl === -1 ? input.length : nl;
    } else {
      cur += c;
      i++;
    }
  }
  flush();
  return { commands, nested, opaque };
}
