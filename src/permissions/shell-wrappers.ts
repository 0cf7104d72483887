import { splitShellCommand } from "./shell-split.js";
import { programName, shellArgv, type Word } from "./shell-words.js";

/**
 * What a simple command would really run, for deny rules: the argv itself, plus the argv of the program
 * behind each wrapper (`sudo`, `env`, `timeout 5`, `xargs`, `busybox`, …) and the commands of
 * `bash -c '…'` / `eval` scripts. Wrapper options are skipped both ways when we cannot tell whether they
 * take a value, so a deny rule sees every program that could be the one run: loose on purpose.
 */
export interface Effective {
  /** Every argv that may be run, outermost first. */
  argvs: Word[][];
  /** Why the program cannot be known before it runs (`$X`, eval, source), if it cannot. */
  computed: string[];
}

interface WrapperSpec {
  /** Options known to take a value as the next word. */
  value?: string[];
  /** Options known to take none; an option in neither list is tried both ways. */
  flags?: string[];
  /** Positional words before the wrapped command (timeout's duration, chroot's directory). */
  positional?: number;
  /** VAR=value words may follow the options (env, sudo). */
  assignments?: boolean;
  /** This option's value is itself a command line (`env -S`, `su -c`, `flock -c`). */
  script?: string[];
}

const WRAPPERS: Record<string, WrapperSpec> = {
  env: { value: ["-u", "--unset", "-C", "--chdir"], flags: ["-i", "-0", "-v", "--ignore-environment", "--null", "--debug"], assignments: true, script: ["-S", "--split-string"] },
  sudo: {
    value: ["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-T", "-U", "--user", "--group", "--chdir", "--host", "--prompt", "--role", "--type", "--other-user", "--close-from", "--command-timeout"],
    flags: ["-A", "-b", "-B", "-E", "-e", "-H", "-i", "-K", "-k", "-l", "-n", "-P", "-S", "-s", "-V", "-v", "--preserve-env", "--login", "--shell", "--non-interactive", "--stdin"],
    assignments: true,
  },
  doas: { value: ["-u", "-C"], flags: ["-n", "-s"] },
  command: { flags: ["-p", "-v", "-V"] },
  builtin: {},
  exec: { value: ["-a"], flags: ["-c", "-l"] },
  nohup: {},
  time: { value: ["-f", "-o", "--format", "--output"], flags: ["-p", "-a", "-v", "--append", "--verbose", "--portability"] },
  nice: { value: ["-n", "--adjustment"] },
  ionice: { value: ["-c", "-n", "-p", "-P", "-u", "--class", "--classdata"], flags: ["-t", "--ignore"] },
  timeout: { value: ["-s", "-k", "--signal", "--kill-after"], flags: ["-v", "--verbose", "--preserve-status", "--foreground"], positional: 1 },
  stdbuf: { value: ["-i", "-o", "-e", "--input", "--output", "--error"] },
  setsid: { flags: ["-c", "-f", "-w", "--ctty", "--fork", "--wait"] },
  xargs: {
    value: ["-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s", "--arg-file", "--delimiter", "--max-lines", "--max-args", "--max-procs", "--max-chars", "--process-slot-var"],
    flags: ["-0", "-e", "-i", "-l", "-o", "-p", "-r", "-t", "-x", "--null", "--no-run-if-empty", "--interactive", "--verbose", "--exit", "--open-tty"],
  },
  chroot: { value: ["--userspec", "--groups"], positional: 1 },
  flock: { value: ["-w", "-E", "--timeout", "--conflict-exit-code"], flags: ["-s", "-x", "-n", "-u", "-o", "-e", "--shared", "--exclusive", "--nonblock", "--unlock", "--close"], positional: 1, script: ["-c", "--command"] },
  taskset: { flags: ["-a", "-p", "-c", "--all-tasks", "--pid", "--cpu-list"], positional: 1 },
  chrt: { positional: 1 },
  busybox: {},
  toybox: {},
  unbuffer: { flags: ["-p"] },
  fakeroot: {},
  pkexec: { value: ["--user"] },
  strace: { value: ["-e", "-o", "-p", "-s", "-u", "-E", "-I"] },
  ltrace: { value: ["-e", "-o", "-p", "-s", "-u", "-n"] },
  su: { value: ["-g", "-G", "-s", "--group", "--supp-group", "--shell"], script: ["-c", "--command", "-C", "--session-command"] },
  runuser: { value: ["-u", "-g", "-G", "-s", "--user", "--group", "--supp-group", "--shell"], script: ["-c", "--command"] },
  setpriv: {},
  script: { value: ["-E", "-I", "-O", "-T", "--echo", "--log-in", "--log-out", "--log-timing"], flags: ["-a", "-e", "-f", "-q", "--append", "--return", "--flush", "--quiet"], script: ["-c", "--command"] },
  parallel: {},
  unshare: {},
  nsenter: {},
  "systemd-run": {},
  firejail: {},
  watch: { value: ["-n", "--interval"], flags: ["-b", "-c", "-d", "-e", "-g", "-p", "-t", "-x", "--beep", "--color", "--differences", "--errexit", "--chgexit", "--precise", "--no-title", "--exec"] },
  // Shell keywords that can start a simple command as split here (`if rm x`, `do rm $f`, `! rm x`).
  "!": {},
  "{": {},
  "}": {},
  if: {},
  then: {},
  else: {},
  elif: {},
  do: {},
  while: {},
  until: {},
};

/**
 * Subcommands that run whatever program follows them (`pnpm exec tsc`, `uv run pytest`): deny rules
 * look through them like a wrapper, and "don't ask again" remembers them exactly, since
 * `pnpm exec:*` would allow `pnpm exec sh -c …`. Options are tried both ways; the value is how many
 * positional words (an image, a container) come before the program.
 */
export const RUNNER_SUBCOMMANDS: Record<string, Record<string, number>> = {
  npm: { exec: 0, x: 0 },
  pnpm: { exec: 0, dlx: 0, x: 0 },
  yarn: { exec: 0, dlx: 0 },
  bun: { x: 0, exec: 0 },
  uv: { run: 0, tool: 1 },
  poetry: { run: 0 },
  pipenv: { run: 0 },
  pdm: { run: 0 },
  hatch: { run: 0 },
  rye: { run: 0 },
  conda: { run: 0 },
  bundle: { exec: 0 },
  mise: { exec: 0, x: 0 },
  asdf: { exec: 0 },
  direnv: { exec: 1 },
  nix: { run: 1, shell: 1, develop: 1 },
  docker: { run: 1, exec: 1 },
  podman: { run: 1, exec: 1 },
  kubectl: { exec: 1, run: 1, debug: 1 },
};

/** The runner subcommand of an argv (`pnpm exec …` → positional count), if it has one. */
export function runnerOf(words: readonly Word[]): number | undefined {
  const table = words[0] && literal(words[0]) ? RUNNER_SUBCOMMANDS[programName(words[0].text)] : undefined;
  const sub = words[1];
  return table && sub && literal(sub) && Object.hasOwn(table, sub.text) ? table[sub.text] : undefined;
}

const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "fish"]);
const SOURCE = new Set(["source", "."]);
const FIND_EXEC = new Set(["-exec", "-execdir", "-ok", "-okdir"]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*\+?=/;
// Past these limits a line is treated as computed (asked about), never as checked.
const MAX_DEPTH = 8;
const MAX_ARGVS = 2000;
const TOO_DEEP = "commands nested too deeply to check";
const TOO_MANY = "too many commands to check";

const isOption = (w: Word) => w.text.startsWith("-") && w.text.length > 1;
const literal = (w: Word) => !w.dynamic && !w.glob;

/** Everything a line would run, including substitutions and scripts, as argvs. */
export function effectiveOfLine(line: string, depth = 0): Effective {
  const split = splitShellCommand(line);
  const out: Effective = { argvs: [], computed: [] };
  for (const c of [...split.commands, ...split.nested]) add(out, effectiveOf(shellArgv(c).words, depth));
  return out;
}

export function effectiveOf(words: Word[], depth = 0): Effective {
  const out: Effective = { argvs: [], computed: [] };
  expand(words, depth, out);
  return out;
}

function add(into: Effective, from: Effective) {
  for (const a of from.argvs) {
    if (into.argvs.length < MAX_ARGVS) into.argvs.push(a);
    else if (!into.computed.includes(TOO_MANY)) into.computed.push(TOO_MANY);
  }
  for (const c of from.computed) if (!into.computed.includes(c)) into.computed.push(c);
}

function script(text: string, depth: number, out: Effective) {
  if (depth >= MAX_DEPTH) {
    out.computed.push(TOO_DEEP);
    return;
  }
  add(out, effectiveOfLine(text, depth + 1));
}

function expand(input: Word[], depth: number, out: Effective) {
  let k = 0;
  while (k < input.length && literal(input[k]) && ASSIGNMENT.test(input[k].text)) assignment(input[k++], depth, out);
  const words = input.slice(k);
  if (words.length === 0) return;
  if (out.argvs.length >= MAX_ARGVS) {
    if (!out.computed.includes(TOO_MANY)) out.computed.push(TOO_MANY);
    return;
  }
  out.argvs.push(words);
  const prog = words[0];
  if (!literal(prog)) {
    out.computed.push(`the program \`${prog.text}\` is computed when the command runs`);
    return;
  }
  const name = programName(prog.text);
  const args = words.slice(1);
  if (name === "eval") {
    out.computed.push("`eval` runs text built when the command runs");
    if (args.length) script(args.map((w) => w.text).join(" "), depth, out);
    return;
  }
  if (SOURCE.has(name)) {
    out.computed.push(`\`${name}\` runs the commands of a file`);
    return;
  }
  if (SHELLS.has(name)) return shellScript(args, depth, out);
  if (name === "find") return findExec(args, depth, out);
  if (name === "git") gitSettings(prog, args, depth, out);
  if (name === "coproc") {
    // `coproc rm x`, or `coproc NAME { rm x; }`: the first word may be the coprocess's name.
    expand(args, depth + 1, out);
    if (args.length > 1) expand(args.slice(1), depth + 1, out);
    return;
  }
  if (name === "function") return expand(args.slice(1), depth + 1, out);
  if (name === "trap") {
    // `trap 'rm x' EXIT`: the first operand is a command line run when the signal comes.
    const ops = args[0]?.text === "--" ? args.slice(1) : args;
    if (ops.length > 1 && !isOption(ops[0]) && ops[0].text !== "-") scriptWord(ops[0], depth, out);
    return;
  }
  if (name === "mapfile" || name === "readarray") {
    // `-C callback` is evaluated as a command for every chunk read.
    for (let i = 0; i < args.length - 1; i++) if (args[i].text === "-C") scriptWord(args[i + 1], depth, out);
    return;
  }
  if (name === "alias") {
    // `alias x='rm -rf'` (with expand_aliases on) makes x run rm: the definition is a command line.
    for (const a of args) if (/^[^=]+=/.test(a.text)) script(a.text.slice(a.text.indexOf("=") + 1), depth, out);
    return;
  }
  if (name === "hash") {
    // `hash -p /bin/rm x` makes x run /bin/rm.
    for (let i = 0; i < args.length - 1; i++) if (args[i].text === "-p") add(out, { argvs: [[args[i + 1]]], computed: [] });
    return;
  }
  if (name === "watch") {
    // watch joins its arguments into one `sh -c` script: `watch 'rm x'` runs rm.
    const starts = wrappedStarts(args, WRAPPERS.watch, depth, out);
    if (starts.length) script(args.slice(Math.min(...starts)).map((w) => w.text).join(" "), depth, out);
    return;
  }
  const runner = runnerOf(words);
  if (runner !== undefined && depth < MAX_DEPTH) {
    for (const start of wrappedStarts(args.slice(1), { positional: runner }, depth, out)) expand(args.slice(1 + start), depth + 1, out);
    return;
  }
  const spec = WRAPPERS[name];
  if (!spec) return;
  if (depth >= MAX_DEPTH) {
    out.computed.push(TOO_DEEP);
    return;
  }
  const token = name === "xargs" ? xargsReplace(args) : undefined;
  for (const start of wrappedStarts(args, spec, depth, out)) {
    const wrapped = args.slice(start);
    expand(token ? replaced(wrapped, token) : wrapped, depth + 1, out);
  }
}

/**
 * `bash -c 'script'` (also `-ec`, `-xc`): the script's commands run too. A shell reading its commands
 * from standard input (`… | sh`, `sh -s`) or given `-c` without a script (`xargs sh -c`) runs commands
 * made up when the line runs. A script file is a program like any other: rules do not look inside.
 */
function shellScript(args: Word[], depth: number, out: Effective) {
  let hasC = false;
  let stdin = false;
  for (let i = 0; i < args.length; i++) {
    const t = args[i].text;
    if (t === "--version" || t === "--help") return;
    if (t === "--") {
      i++;
      if (args[i]) return hasC ? scriptWord(args[i], depth, out) : undefined;
      break;
    }
    if ((t.startsWith("-") || t.startsWith("+")) && t.length > 1 && literal(args[i])) {
      if (!t.startsWith("--") && t.slice(1).includes("c")) hasC = true;
      if (!t.startsWith("--") && t.slice(1).includes("s")) stdin = true;
      if (t === "-o" || t === "+o" || t === "-O" || t === "+O") i++;
      continue;
    }
    if (hasC) return scriptWord(args[i], depth, out);
    if (!stdin) return;
    break;
  }
  out.computed.push(hasC ? "`-c` without a script on the line runs commands made up when it runs" : "a shell reading commands from its input runs commands made up when the line runs");
}

function scriptWord(w: Word, depth: number, out: Effective) {
  if (w.dynamic) out.computed.push(`the shell script \`${w.text}\` is computed when the command runs`);
  script(w.text, depth, out);
}

/** `find … -exec rm {} ;` runs rm. */
function findExec(args: Word[], depth: number, out: Effective) {
  for (let i = 0; i < args.length; i++) {
    if (!FIND_EXEC.has(args[i].text)) continue;
    let j = i + 1;
    while (j < args.length && args[j].text !== ";" && args[j].text !== "+") j++;
    expand(replaced(args.slice(i + 1, j), "{}"), depth + 1, out);
    i = j;
  }
}

/** Words holding a replace string (`{}` of find -exec, xargs -I) are filled in from data at run time. */
function replaced(words: Word[], token: string): Word[] {
  return words.map((w) => (w.text.includes(token) ? { ...w, dynamic: true } : w));
}

/** xargs -I STR / -iSTR / --replace[=STR]: the string it substitutes into the command, if any. */
function xargsReplace(args: Word[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const t = args[i].text;
    if (t === "-I") return args[i + 1]?.text;
    if (t.startsWith("-I")) return t.slice(2);
    if (t === "-i" || t === "--replace") return "{}";
    if (t.startsWith("-i")) return t.slice(2);
    if (t.startsWith("--replace=")) return t.slice("--replace=".length);
    if (!t.startsWith("-")) return undefined;
  }
  return undefined;
}

/**
 * Variables whose value a program runs as a command line (git, ssh, pagers, an interactive bash),
 * and ones naming a file of code to load: `GIT_SSH_COMMAND='rm x' git fetch` runs rm.
 */
const COMMAND_VARIABLES = /^(GIT_SSH_COMMAND|GIT_SSH|GIT_EXTERNAL_DIFF|GIT_PAGER|PAGER|MANPAGER|GIT_EDITOR|EDITOR|VISUAL|GIT_SEQUENCE_EDITOR|GIT_ASKPASS|SSH_ASKPASS|GIT_PROXY_COMMAND|PROMPT_COMMAND|GIT_CONFIG_VALUE_\d+)$/;
const CODE_FILE_VARIABLES = /^(BASH_ENV|ENV|LD_PRELOAD|LD_AUDIT)$/;

function assignment(w: Word, depth: number, out: Effective) {
  const eq = w.text.indexOf("=");
  const name = w.text.slice(0, eq).replace(/\+$/, "");
  if (CODE_FILE_VARIABLES.test(name)) out.computed.push(`\`${name}\` loads code from a file when the command runs`);
  else if (COMMAND_VARIABLES.test(name)) scriptWord({ ...w, text: w.text.slice(eq + 1) }, depth, out);
}

/** git settings whose value is a command line git runs (hooks, helpers, drivers, pagers, editors). */
const GIT_COMMAND_SETTINGS =
  /^(core\.(fsmonitor|sshcommand|pager|editor|askpass)|sequence\.editor|diff\.external|pager\..+|credential(\..+)?\.helper|gpg(\..+)?\.program|(diff|difftool|mergetool)\..+\.(command|textconv|cmd)|merge\..+\.driver|filter\..+\.(clean|smudge|process)|uploadpack\.packobjectshook)$/i;

/**
 * `git -c alias.p=push p` pushes; `git -c 'alias.p=!rm x' p` runs a shell command, and so does a
 * `-c` setting that names a command (`core.fsmonitor`, `core.sshCommand`, a diff driver, …).
 */
function gitSettings(git: Word, args: Word[], depth: number, out: Effective) {
  for (let i = 0; i < args.length; i++) {
    const t = args[i].text;
    const setting = t === "-c" ? args[i + 1] : t.startsWith("-c") ? { ...args[i], text: t.slice(2) } : undefined;
    const m = setting && /^([^=]+)=(.*)$/s.exec(setting.text);
    if (!m || !setting) continue;
    const [, key, value] = m;
    if (/^core\.hookspath$/i.test(key)) out.computed.push(`\`git -c ${key}\` runs hooks from another folder`);
    const isAlias = /^alias\./i.test(key);
    if (!isAlias && !GIT_COMMAND_SETTINGS.test(key)) continue;
    if (setting.dynamic) out.computed.push(`the git setting \`${setting.text}\` is computed when the command runs`);
    if (!isAlias || value.startsWith("!")) script(value.replace(/^!/, ""), depth, out);
    else add(out, { argvs: [[git, ...shellArgv(value).words]], computed: [] });
  }
}

/** Where the wrapped command may start in a wrapper's arguments (more than one when options are ambiguous). */
function wrappedStarts(args: Word[], spec: WrapperSpec, depth: number, out: Effective): number[] {
  const starts = new Set<number>();
  const seen = new Set<number>();
  const walk = (i: number) => {
    if (seen.has(i) || seen.size > 64) return;
    seen.add(i);
    const w = args[i];
    if (!w) return;
    if (w.text === "--") return afterOptions(i + 1);
    if (isOption(w)) {
      const [flag, inline] = splitCluster(w.text, spec);
      if (spec.script?.includes(flag)) {
        const value = inline !== undefined ? { ...w, text: inline } : args[i + 1];
        if (value) scriptWord(value, depth, out);
        return walk(inline !== undefined ? i + 1 : i + 2);
      }
      if (inline !== undefined || spec.flags?.includes(flag) || isAttached(flag, spec)) return walk(i + 1);
      if (spec.value?.includes(flag)) return walk(i + 2);
      walk(i + 1);
      walk(i + 2);
      return;
    }
    afterOptions(i);
  };
  const afterOptions = (i: number) => {
    // VAR=value words stay on the wrapped command: expand() skips them and reads the ones that run code.
    const j = i + (spec.positional ?? 0);
    if (j < args.length) starts.add(j);
  };
  walk(0);
  return [...starts];
}

/**
 * `--signal=KILL` → ["--signal", "KILL"]; a short cluster holding a script option, `-qc` or
 * `-qcrm`, → ["-c", undefined] or ["-c", "rm"], so `script -qc 'rm x'` is seen.
 */
function splitCluster(t: string, spec: WrapperSpec): [string, string | undefined] {
  if (t.startsWith("--")) {
    const eq = t.indexOf("=");
    return eq === -1 ? [t, undefined] : [t.slice(0, eq), t.slice(eq + 1)];
  }
  for (let i = 1; i < t.length && t.length > 2; i++) {
    const flag = `-${t[i]}`;
    if (spec.script?.includes(flag)) return [flag, i + 1 < t.length ? t.slice(i + 1) : undefined];
  }
  return [t, undefined];
}

/** A short option with its value attached (`-uroot`, `-n5`, `-I{}`) or a numeric one (`nice -5`). */
function isAttached(flag: string, spec: WrapperSpec): boolean {
  if (flag.startsWith("--") || flag.length <= 2) return false;
  if (/^-\d+$/.test(flag)) return true;
  return !!spec.value?.includes(flag.slice(0, 2)) || !!spec.flags?.includes(flag.slice(0, 2));
}
