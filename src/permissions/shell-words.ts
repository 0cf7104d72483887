/**
 * One simple command (as split by shell-split) turned into the argv a shell would pass: quotes and
 * escapes removed, redirections dropped. Each word also says whether the shell would compute it at run
 * time (parameter, command or arithmetic expansion, $'…' strings), so rules never treat it as text.
 */
export interface Word {
  /** The word after quote removal; for computed parts, their source text. */
  text: string;
  /** Contains an expansion ($X, ${X}, $(…), `…`, $'…'): its value is unknown until it runs. */
  dynamic: boolean;
  /** Contains unquoted glob or brace-expansion syntax (* ? [ {a,b}): the shell may turn it into other words. */
  glob: boolean;
}

export interface ShellArgv {
  words: Word[];
  /** A quote or substitution was not closed. */
  unterminated: boolean;
}

const NAME_START = /[A-Za-z_0-9@*#?$!{(-]/;

/** Index just past the closer matching the opener at `open` (`(`→`)`, `{`→`}`), skipping quotes; -1 if none. */
export function matchClose(s: string, open: number): number {
  const opener = s[open];
  const closer = opener === "(" ? ")" : "}";
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") i++;
    else if (c === "'") {
      const j = s.indexOf("'", i + 1);
      if (j === -1) return -1;
      i = j;
    } else if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === "\\" ? 2 : 1;
      if (j >= s.length) return -1;
      i = j;
    } else if (c === opener) depth++;
    else if (c === closer && --depth === 0) return i + 1;
  }
  return -1;
}

const REDIRECT = /^(?:&>>?|<<<|<<-?|<>|<&|>&|>>|>\||<|>)/;

export function shellArgv(cmd: string): ShellArgv {
  const words: Word[] = [];
  let unterminated = false;
  let text = "";
  let inWord = false;
  let quotedAny = false;
  let dynamic = false;
  let glob = false;
  let braceOpen = false;
  let braceList = false;
  /** When set, the word being read is a redirection target and is dropped. */
  let dropNext = false;

  const end = () => {
    if (inWord) {
      if (dropNext) dropNext = false;
      else words.push({ text, dynamic, glob: glob || (braceOpen && braceList) });
    }
    text = "";
    inWord = quotedAny = dynamic = glob = braceOpen = braceList = false;
  };
  /** `$…` starting at i (unquoted or inside double quotes): returns the index after it. */
  const dollar = (i: number, inDouble: boolean): number => {
    const next = cmd[i + 1];
    if (next === "(" || next === "{") {
      const stop = matchClose(cmd, i + 1);
      if (stop === -1) unterminated = true;
      const j = stop === -1 ? cmd.length : stop;
      text += cmd.slice(i, j);
      dynamic = true;
      return j;
    }
    if (!inDouble && next === "'") {
      // ANSI-C string: $'\x72m' is `rm`, so its text is not what a rule would compare.
      let j = i + 2;
      while (j < cmd.length && cmd[j] !== "'") j += cmd[j] === "\\" ? 2 : 1;
      if (j >= cmd.length) unterminated = true;
      text += cmd.slice(i, j + 1);
      dynamic = true;
      return j + 1;
    }
    if (!inDouble && next === '"') {
      dynamic = true;
      return i + 1; // the double-quoted string follows as usual
    }
    if (next !== undefined && NAME_START.test(next)) {
      let j = i + 1;
      if (/[A-Za-z_]/.test(next)) while (j < cmd.length && /[A-Za-z0-9_]/.test(cmd[j])) j++;
      else j++;
      text += cmd.slice(i, j);
      dynamic = true;
      return j;
    }
    text += "$";
    return i + 1;
  };
  const backtick = (i: number): number => {
    let j = i + 1;
    while (j < cmd.length && cmd[j] !== "`") j += cmd[j] === "\\" ? 2 : 1;
    if (j >= cmd.length) unterminated = true;
    text += cmd.slice(i, j + 1);
    dynamic = true;
    return j + 1;
  };

  let i = 0;
  while (i < cmd.length) {
    const c = cmd[i];
    if (c === " " || c === "\t" || c === "\n") {
      end();
      i++;
    } else if (c === "\\") {
      if (cmd[i + 1] === "\n") {
        i += 2; // line continuation: r\<newline>m is rm
        continue;
      }
      if (i + 1 < cmd.length) text += cmd[i + 1];
      inWord = quotedAny = true;
      i += 2;
    } else if (c === "'") {
      const j = cmd.indexOf("'", i + 1);
      if (j === -1) unterminated = true;
      text += cmd.slice(i + 1, j === -1 ? cmd.length : j);
      inWord = quotedAny = true;
      i = j === -1 ? cmd.length : j + 1;
    } else if (c === '"') {
      inWord = quotedAny = true;
      let j = i + 1;
      while (j < cmd.length && cmd[j] !== '"') {
        const d = cmd[j];
        if (d === "\\" && /[$`"\\\n]/.test(cmd[j + 1] ?? "")) {
          if (cmd[j + 1] !== "\n") text += cmd[j + 1];
          j += 2;
        } else if (d === "$") j = dollar(j, true);
        else if (d === "`") j = backtick(j);
        else {
          text += d;
          j++;
        }
      }
      if (j >= cmd.length) unterminated = true;
      i = j + 1;
    } else if (c === "$") {
      inWord = true;
      i = dollar(i, false);
    } else if (c === "`") {
      inWord = true;
      i = backtick(i);
    } else if ((c === "<" || c === ">") && cmd[i + 1] === "(") {
      // Process substitution: becomes a file name the shell makes up.
      inWord = true;
      const stop = matchClose(cmd, i + 1);
      if (stop === -1) unterminated = true;
      const j = stop === -1 ? cmd.length : stop;
      text += cmd.slice(i, j);
      dynamic = true;
      i = j;
    } else if (c === "<" || c === ">" || (c === "&" && cmd[i + 1] === ">")) {
      // A redirection is not an argument: `2>&1`, `>/dev/null`, `< in` vanish from argv (and so
      // cannot hide the program from a deny rule, as in `>x rm -rf y`).
      if (inWord && !quotedAny && /^\d+$/.test(text)) {
        text = "";
        inWord = false; // the fd number belongs to the redirection
      } else end();
      const op = REDIRECT.exec(cmd.slice(i))![0];
      i += op.length;
      if ((op === ">&" || op === "<&" || op === "&>") && /^(\d+|-)/.test(cmd.slice(i))) {
        i += /^(\d+|-)/.exec(cmd.slice(i))![0].length;
        continue;
      }
      while (cmd[i] === " " || cmd[i] === "\t") i++;
      dropNext = true;
    } else if (c === "#" && !inWord) {
      const nl = cmd.indexOf("\n", i);
      i = nl === -1 ? cmd.length : nl;
    } else {
      if (c === "*" || c === "?" || c === "[") glob = true;
      else if (c === "{") braceOpen = true;
      else if (braceOpen && (c === "," || (c === "." && cmd[i + 1] === "."))) braceList = true;
      text += c;
      inWord = true;
      i++;
    }
  }
  end();
  return { words, unterminated };
}

/** The basename a shell would look a program up by: `/usr/bin/rm` and `./rm` are `rm`. */
export function programName(word: string): string {
  const base = word.replace(/\/+$/, "");
  const slash = base.lastIndexOf("/");
  return slash === -1 ? base : base.slice(slash + 1);
}

const PLAIN = /^[A-Za-z0-9_./:@%+=,-]+$/;
const PLAIN_GLOB = /^[A-Za-z0-9_./:@%+=,*?[\]{}-]+$/;

/** A word written back so that shellArgv reads it as the same word (used to write rules). */
export function quoteWord(w: Word): string {
  if (PLAIN.test(w.text)) return w.text;
  // Unquoted, a glob stays a glob; but `*` or a trailing `:*` would read as "any arguments" in a rule.
  if (w.glob && !w.dynamic && PLAIN_GLOB.test(w.text) && w.text !== "*" && !w.text.endsWith(":*")) return w.text;
  return `'${w.text.replace(/'/g, `'\\''`)}'`;
}
