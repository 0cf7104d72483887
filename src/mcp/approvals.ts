import { existsSync, mkdirSync, readFileSync, realpathSync } from "node:fs";
import { writeFileAtomic } from "../config/atomic-write.js";
import { dirname, join, resolve } from "node:path";
import { userConfigPath } from "../config/paths.js";
import type { Approval, ApprovalDecision } from "./merge.js";

/**
 * Per-server decisions on project MCP servers. They live in the user's config directory, keyed by
 * the project's real path, never inside the project: a repository could commit its own
 * "approved" record (that is why `.letta/config.local.json` is not used for this).
 */
interface ApprovalsFile {
  version: 1;
  projects: Record<string, Record<string, Approval & { at: string }>>;
}

export function approvalsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(userConfigPath(env)), "mcp-approvals.json");
}

function projectKey(projectRoot: string): string {
  try {
    return realpathSync(projectRoot);
  } catch {
    return resolve(projectRoot);
  }
}

function load(file: string): ApprovalsFile {
  if (!existsSync(file)) return { version: 1, projects: {} };
  try {
    const o = JSON.parse(readFileSync(file, "utf8")) as ApprovalsFile;
    if (o && typeof o === "object" && o.projects && typeof o.projects === "object") return o;
  } catch {
    /* a damaged file means nothing is approved: the safe reading */
  }
  return { version: 1, projects: {} };
}

export function readApprovals(projectRoot: string, env: NodeJS.ProcessEnv = process.env): Record<string, Approval> {
  return load(approvalsPath(env)).projects[projectKey(projectRoot)] ?? {};
}

export function recordApproval(
  projectRoot: string,
  server: string,
  decision: ApprovalDecision,
  fingerprint: string,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const file = approvalsPath(env);
  const data = load(file);
  const key = projectKey(projectRoot);
  data.projects[key] = { ...data.projects[key], [server]: { decision, fingerprint, at: new Date().toISOString() } };
  mkdirSync(dirname(file), { recursive: true });
  // Write-then-rename so two sessions approving at once never leave half a file.
  writeFileAtomic(file, `${JSON.stringify(data, null, 2)}\n`, 0o600);
}
