import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fieldList, fieldString, FrontmatterError, parseFrontmatter } from "../extensions/frontmatter.js";
import { userConfigDir, userHome } from "../extensions/hook-config.js";
import { outsideProject } from "../extensions/inside-project.js";
import { EXPLORE_PROMPT, GENERAL_PURPOSE_PROMPT } from "../agent/prompts.js";
import { subagentToolNames } from "./tool-names.js";

/** How much of the project's memory a subagent gets: `read` (the default) shows it, `write` lets it edit, `none` hides it. */
export type SubagentMemory = "read" | "write" | "none";
export const SUBAGENT_MEMORY: readonly SubagentMemory[] = ["read", "write", "none"];

export type SubagentMode = "ask" | "accept-edits" | "yolo" | "read-only" | "dont-ask";
/** Claude Code's permission modes (and ours) as ours. */
const MODES: Readonly<Record<string, SubagentMode>> = {
  default: "ask",
  ask: "ask",
  acceptedits: "accept-edits",
  "accept-edits": "accept-edits",
  bypasspermissions: "yolo",
  yolo: "yolo",
  plan: "read-only",
  "read-only": "read-only",
  dontask: "dont-ask",
  "dont-ask": "dont-ask",
};

export interface SubagentDefinition {
  name: string;
  description: string;
  /** Our tool names; undefined: the parent's tools (minus `task`). */
  tools?: string[];
  /** Taken out of `tools` or of the parent's (Claude Code's `disallowedTools`). */
  disallowedTools?: string[];
  /** A model id; undefined: the parent's (`inherit`, and Claude Code's `sonnet`/`opus`/`haiku`, which name no model here). */
  model?: string;
  memory: SubagentMemory;
  /**
   * A stricter permission mode for its calls (Claude Code's `permissionMode`): the stricter of this and the
   * parent's decides; `dont-ask` refuses what would ask. Never looser than the parent.
   */
  permissionMode?: SubagentMode;
  /** Most model steps of one run (Claude Code's `maxTurns`); never more than the parent's step limit. */
  maxSteps?: number;
  /** The system prompt. */
  prompt: string;
  scope: "built-in" | "user" | "project";
  /** The file it came from; absent for a built-in. */
  file?: string;
}

/** The read-only tools `explore` gets: look, never touch. */
export const EXPLORE_TOOLS = ["read_file", "list_files", "grep", "archival_memory_search", "conversation_search"];

export const BUILTIN_SUBAGENTS: readonly SubagentDefinition[] = [
  {
    name: "general-purpose",
    description: "General-purpose agent for multi-step tasks: researching a question, searching code, making a change. Has the parent's tools.",
    memory: "read",
    prompt: GENERAL_PURPOSE_PROMPT,
    scope: "built-in",
  },
  {
    name: "explore",
    description: "Fast read-only agent for exploring the codebase: finds files, searches code, answers questions about it. Cannot edit anything.",
    tools: EXPLORE_TOOLS,
    memory: "read",
    prompt: EXPLORE_PROMPT,
    scope: "built-in",
  },
];

/** Where definitions are looked for, strongest first: the project's beat the user's of the same name. */
export function subagentDirs(projectRoot: string, env: NodeJS.ProcessEnv, trusted: boolean): { dir: string; scope: "user" | "project" }[] {
  // A project's definition is a system prompt and a tool list the repository chose: only in a trusted workspace.
  const project = trusted
    ? [
        { dir: join(projectRoot, ".letta", "agents"), scope: "project" as const },
        { dir: join(projectRoot, ".claude", "agents"), scope: "project" as const },
      ]
    : [];
  return [
    ...project,
    { dir: join(userConfigDir(env), "agents"), scope: "user" as const },
    { dir: join(userHome(env), ".claude", "agents"), scope: "user" as const },
  ];
}

/**
 * The project's own definition files, for the trust prompt: a definition is a system prompt and a tool list
 * the repository chose, so it waits for trust like hooks do. A folder that is also the user's (a project at
 * the home directory) is the user's and not listed.
 */
export function projectDefinitionFiles(projectRoot: string, env: NodeJS.ProcessEnv): { dir: string; files: string[] }[] {
  const userDirs = new Set(subagentDirs(projectRoot, env, false).map((d) => resolve(d.dir)));
  return subagentDirs(projectRoot, env, true)
    .filter((d) => d.scope === "project" && !userDirs.has(resolve(d.dir)))
    .map((d) => ({ dir: d.dir, files: markdownFiles(d.dir) }))
    .filter((d) => d.files.length > 0);
}

const MAX_BYTES = 256 * 1024;
const NAME = /^[a-z0-9][a-z0-9_-]*$/i;

function markdownFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.name.startsWith(".") && e.name.toLowerCase().endsWith(".md") && (e.isFile() || e.isSymbolicLink()))
      .map((e) => join(dir, e.name))
      .sort();
  } catch {
    return [];
  }
}

/**
 * A definition file's text. Every project and every command reads these folders at start: a dangling
 * symlink, a link to a folder or to a FIFO (which would block the read forever) is that one file's
 * problem, reported and skipped, never an error that stops letta-code.
 */
function readDefinitionFile(file: string): string {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new FrontmatterError("not a regular file");
    size = st.size;
  } catch (err) {
    if (err instanceof FrontmatterError) throw err;
    throw new FrontmatterError(`cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (size > MAX_BYTES) throw new FrontmatterError(`larger than ${MAX_BYTES / 1024} KB`);
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new FrontmatterError(`cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** One definition file; a FrontmatterError names what is wrong (with its line where there is one). */
export function parseDefinition(text: string, file: string, scope: "user" | "project"): { definition: SubagentDefinition | null; warnings: string[] } {
  const { data, body } = parseFrontmatter(text);
  // Claude Code's way to keep a definition without using it.
  if (fieldString(data, "disabled")?.trim().toLowerCase() === "true") return { definition: null, warnings: [] };
  const lineOf = (key: string) => {
    const i = text.replace(/\r\n/g, "\n").split("\n").findIndex((l) => l.startsWith(`${key}:`));
    return i >= 0 ? `line ${i + 1}: ` : "";
  };
  const name = fieldString(data, "name")?.trim();
  if (!name) throw new FrontmatterError(`the frontmatter has no "name"`);
  if (!NAME.test(name)) throw new FrontmatterError(`${lineOf("name")}"${name}" is not a usable agent name (letters, digits, - and _)`);
  const description = fieldString(data, "description")?.trim();
  if (!description) throw new FrontmatterError(`the frontmatter has no "description"`);
  const memoryRaw = (fieldString(data, "memory") ?? "read").trim().toLowerCase() as SubagentMemory;
  if (!SUBAGENT_MEMORY.includes(memoryRaw)) throw new FrontmatterError(`${lineOf("memory")}"memory" must be read, write or none, not "${memoryRaw}"`);
  const model = fieldString(data, "model")?.trim();
  const modeRaw = fieldString(data, "permissionMode")?.trim();
  const permissionMode = modeRaw ? MODES[modeRaw.toLowerCase()] : undefined;
  if (modeRaw && !permissionMode) throw new FrontmatterError(`${lineOf("permissionMode")}unknown permissionMode "${modeRaw}" (default, acceptEdits, plan, dontAsk, bypassPermissions)`);
  const turnsRaw = fieldString(data, "maxTurns")?.trim();
  const maxSteps = turnsRaw ? Number(turnsRaw) : undefined;
  if (maxSteps !== undefined && !(Number.isInteger(maxSteps) && maxSteps >= 1)) throw new FrontmatterError(`${lineOf("maxTurns")}"maxTurns" must be a whole number of at least 1`);
  const warnings: string[] = [];
  const unknown: string[] = [];
  let tools: string[] | undefined;
  // `tools:` left empty is no list at all (YAML null); `tools: []` is no tools.
  if (data.tools !== undefined && data.tools !== "") {
    const mapped = subagentToolNames(fieldList(data, "tools"));
    tools = mapped.tools;
    unknown.push(...mapped.unknown);
  }
  const disallowed = subagentToolNames(fieldList(data, "disallowedTools"));
  unknown.push(...disallowed.unknown);
  if (unknown.length) warnings.push(`${file}: tools ${unknown.join(", ")} do not exist here; agent "${name}" runs without them.`);
  return {
    definition: {
      name,
      description,
      tools,
      model: !model || ["inherit", "sonnet", "opus", "haiku"].includes(model.toLowerCase()) ? undefined : model,
      memory: memoryRaw,
      ...(disallowed.tools.length ? { disallowedTools: disallowed.tools } : {}),
      ...(permissionMode ? { permissionMode } : {}),
      ...(maxSteps ? { maxSteps } : {}),
      prompt: body.trim(),
      scope,
      file,
    },
    warnings,
  };
}

/**
 * Every subagent this project offers: built-ins, then the user's, then (when trusted) the project's,
 * a later scope replacing an earlier one's definition of the same name. Malformed files are named once, skipped.
 */
export function discoverSubagents(
  projectRoot: string,
  opts: { env?: NodeJS.ProcessEnv; trusted: boolean },
): { agents: SubagentDefinition[]; warnings: string[] } {
  const env = opts.env ?? process.env;
  const byName = new Map<string, SubagentDefinition>(BUILTIN_SUBAGENTS.map((d) => [d.name, d]));
  const warnings: string[] = [];
  // Weakest first, so the strongest is set last; within a scope the first directory wins.
  const dirs = subagentDirs(projectRoot, env, opts.trusted).reverse();
  for (const { dir, scope } of dirs) {
    for (const file of markdownFiles(dir)) {
      const escape = scope === "project" ? outsideProject(file, projectRoot) : undefined;
      if (escape) {
        warnings.push(`${file} links to ${escape}, outside the project; skipped.`);
        continue;
      }
      try {
        const text = readDefinitionFile(file);
        const got = parseDefinition(text, file, scope);
        warnings.push(...got.warnings);
        if (got.definition) byName.set(got.definition.name, got.definition);
      } catch (err) {
        if (!(err instanceof FrontmatterError)) throw err;
        warnings.push(`${file}: ${err.message}; agent skipped.`);
      }
    }
  }
  return { agents: [...byName.values()], warnings };
}
