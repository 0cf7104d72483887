import { crypto } from "../lazy-builtins.js";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../config/atomic-write.js";
import { userConfigPath } from "../config/paths.js";
import type { HookSpec } from "../extensions/hook-config.js";
import { projectKey } from "./record.js";

/**
 * The user's decision on a project's hook set, recorded like MCP server approvals: in their config
 * directory, keyed by the project's real path and by a fingerprint of the exact set, so a changed
 * hook, a new one or a longer timeout asks again. Never inside the project, which could commit its
 * own "approved".
 */
export type HookSetDecision = "approved" | "denied";

export interface HookSetApproval {
  decision: HookSetDecision;
  fingerprint: string;
  at: string;
}

interface ApprovalsFile {
  version: 1;
  projects: Record<string, HookSetApproval>;
}

export function hookApprovalsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(userConfigPath(env)), "hook-approvals.json");
}

/** What a hook does, without where it is written: moving the same set to another line is not a new set. */
export function hookSetFingerprint(hooks: readonly HookSpec[]): string {
  const items = hooks.map((h) => JSON.stringify([h.event, h.matcher, h.command, h.timeoutMs])).sort();
  return crypto().createHash("sha256").update(JSON.stringify(items)).digest("hex").slice(0, 16);
}

function load(file: string): ApprovalsFile {
  if (!existsSync(file)) return { version: 1, projects: {} };
  try {
    const o = JSON.parse(readFileSync(file, "utf8")) as ApprovalsFile;
    if (o && typeof o === "object" && o.projects && typeof o.projects === "object" && !Array.isArray(o.projects)) return o;
  } catch {
    /* a damaged record approves nothing: the safe reading */
  }
  return { version: 1, projects: {} };
}

export function readHookApproval(projectRoot: string, env: NodeJS.ProcessEnv = process.env): HookSetApproval | undefined {
  return load(hookApprovalsPath(env)).projects[projectKey(projectRoot)];
}

export function recordHookApproval(projectRoot: string, decision: HookSetDecision, fingerprint: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = hookApprovalsPath(env);
  const data = load(file);
  data.projects[projectKey(projectRoot)] = { decision, fingerprint, at: new Date().toISOString() };
  mkdirSync(dirname(file), { recursive: true });
  // Write-then-rename: two sessions deciding at once never leave half a file.
  writeFileAtomic(file, `${JSON.stringify(data, null, 2)}\n`, 0o600);
}
