import type { HookSpec } from "../extensions/hook-config.js";
import type { ServerEntries } from "../mcp/config.js";

/**
 * Whose file a setting came from. `local` (.letta/config.local.json) is meant to be this machine's
 * own, but it sits inside the project where a repository can force-add it, so it is judged like
 * `project`; it keeps its own name so what runs from it (hooks) can be told apart.
 */
export type ConfigOrigin = "user" | "project" | "local";

export interface HooksSection {
  /**
   * The hooks that run, in order user, project, local. Scope `user` and `local` (an untracked
   * config.local.json) are the user's own and run as the user; `project` ones (config.json, or a
   * config.local.json git tracks) are the repository's and run sandboxed, and only approved.
   */
  hooks: HookSpec[];
  /** Malformed entries of admitted files, each naming its file. */
  warnings: string[];
  /** Project files whose hooks were withheld because the project is not trusted (not even validated). */
  skippedFiles: string[];
  /** A trusted project's hooks, which run only once the user approved this exact set (said once per run until then). */
  project?: ProjectHookSet;
}

export interface ProjectHookSet {
  hooks: HookSpec[];
  /** Of the exact set (src/trust/hook-approvals.ts): what an approval is recorded against. */
  fingerprint: string;
  /** `pending`: never decided, or `changed` since the user decided. */
  state: "approved" | "denied" | "pending";
  changed: boolean;
}

export interface McpSection {
  /** The user's config.json `mcpServers`. */
  user: ServerEntries;
  /** `.mcp.json` then `.letta/config.json` (the second wins a name clash). */
  project: ServerEntries;
  /**
   * Whether the project's servers were admitted as a whole (a trusted project): then each starts
   * unless the user denied it. Otherwise each waits for the user's approval of that very server.
   */
  projectAdmitted: boolean;
  /** `--mcp-config` servers: the user's own words on this command line. */
  flag: ServerEntries;
  /** `--strict-mcp-config`: only the flag's servers run. */
  strict: boolean;
}

export interface CommandsSection {
  /**
   * Whether a project command's `!`shell`` snippets run and its allowed-tools grant anything
   * (a user command's always do). Decided by the same rule as every other elevating setting.
   */
  projectElevated: boolean;
}

/**
 * Team memory: the PostgreSQL database this project's memory syncs with. From the user's config
 * only (`"team": {"projects": {"/path/to/project": {"url": "postgres://…"}}}`): a repository naming
 * a database would send its clones' memory there.
 */
export interface TeamSection {
  url: string;
  /** The project's name in the database (`team join --project`); default: the repository's root commit. */
  project?: string;
}

/**
 * `letta-code serve`: where the HTTP face listens and the token it wants. From the user's config
 * (`"serve": {...}`) and the command's flags only: a repository must not open a port or pick the token.
 */
export interface ServeSection {
  port?: number;
  host?: string;
  token?: string;
}
