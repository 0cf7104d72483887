import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fieldList, fieldString, FrontmatterError, parseFrontmatter } from "./frontmatter.js";
import { userConfigDir, userHome } from "./hook-config.js";
import { outsideProject } from "./inside-project.js";
import { compareNames } from "../name-order.js";

export interface CustomCommand {
  /** As typed after the slash: `review`, `git:commit` (lower case). */
  name: string;
  description: string;
  argumentHint?: string;
  model?: string;
  allowedTools: string[];
  body: string;
  file: string;
  scope: "user" | "project";
}

/** Where commands are looked for, strongest first: a project's own beat the user's of the same name. */
export function commandDirs(projectRoot: string, env: NodeJS.ProcessEnv = process.env): { dir: string; scope: CustomCommand["scope"] }[] {
  return [
    { dir: join(projectRoot, ".letta", "commands"), scope: "project" },
    { dir: join(projectRoot, ".claude", "commands"), scope: "project" },
    { dir: join(userConfigDir(env), "commands"), scope: "user" },
    { dir: join(userHome(env), ".claude", "commands"), scope: "user" },
  ];
}

const MAX_COMMAND_BYTES = 256 * 1024;
const MAX_DEPTH = 4;

function markdownFiles(dir: string, depth = 0): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => compareNames(a.name, b.name))) {
    if (e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory() && depth < MAX_DEPTH) out.push(...markdownFiles(p, depth + 1));
    else if (e.name.toLowerCase().endsWith(".md") && (e.isFile() || e.isSymbolicLink())) out.push(p);
  }
  return out;
}

/** The first non-empty body line, as the description when the frontmatter gives none. */
function firstLine(body: string): string {
  const line = body.split("\n").find((l) => l.trim()) ?? "";
  const t = line.replace(/^#+\s*/, "").trim();
  return t.length > 100 ? `${t.slice(0, 97)}...` : t;
}

export function discoverCommands(projectRoot: string, env: NodeJS.ProcessEnv = process.env): { commands: CustomCommand[]; warnings: string[] } {
  const byName = new Map<string, CustomCommand>();
  const warnings: string[] = [];
  for (const { dir, scope } of commandDirs(projectRoot, env)) {
    for (const file of markdownFiles(dir)) {
      const name = relative(dir, file).replace(/\.md$/i, "").split(sep).join(":").toLowerCase();
      if (byName.has(name)) continue;
      if (!/^[\w.-]+(:[\w.-]+)*$/.test(name)) {
        warnings.push(`${file}: "/${name}" is not a usable command name (letters, digits, - _ . and folders only); skipped.`);
        continue;
      }
      const escape = scope === "project" ? outsideProject(file, projectRoot) : undefined;
      if (escape) {
        warnings.push(`${file} links to ${escape}, outside the project; command /${name} skipped.`);
        continue;
      }
      try {
        if (statSync(file).size > MAX_COMMAND_BYTES) throw new FrontmatterError(`larger than ${MAX_COMMAND_BYTES / 1024} KB`);
        const { data, body } = parseFrontmatter(readFileSync(file, "utf8"));
        byName.set(name, {
          name,
          description: fieldString(data, "description") || firstLine(body) || `custom command (${scope})`,
          argumentHint: fieldString(data, "argument-hint"),
          model: fieldString(data, "model"),
          allowedTools: fieldList(data, "allowed-tools"),
          body,
          file,
          scope,
        });
      } catch (e) {
        warnings.push(`${file}: ${(e as Error).message}; command /${name} skipped.`);
      }
    }
  }
  return { commands: [...byName.values()].sort((a, b) => compareNames(a.name, b.name)), warnings };
}

/** Shell-like words: quotes group, backslash escapes. */
export function splitArgs(args: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | null = null;
  let has = false;
  for (let i = 0; i < args.length; i++) {
    const ch = args[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === "\\" && quote === '"' && i + 1 < args.length) cur += args[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = "";
      has = false;
    } else if (ch === "\\" && i + 1 < args.length) {
      cur += args[++i];
      has = true;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has || cur) out.push(cur);
  return out;
}

/** `$ARGUMENTS` and `$1`…`$9`; a body that uses neither gets the arguments appended, so they are never lost. */
export function substituteArguments(body: string, args: string): string {
  const words = splitArgs(args);
  const uses = /\$ARGUMENTS\b|\$[1-9]/.test(body);
  const out = body.replace(/\$ARGUMENTS\b/g, () => args).replace(/\$([1-9])/g, (_m, d: string) => words[Number(d) - 1] ?? "");
  return !uses && args.trim() ? `${out.replace(/\s+$/, "")}\n\nARGUMENTS: ${args}` : out;
}

/** `/name args` when `name` is one of `commands`; otherwise null (the text is sent as written). */
export function matchCommand(text: string, commands: readonly CustomCommand[]): { command: CustomCommand; args: string } | null {
  const m = /^\/([^\s/]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return null;
  const command = commands.find((c) => c.name === m[1]!.toLowerCase());
  return command ? { command, args: (m[2] ?? "").trim() } : null;
}
