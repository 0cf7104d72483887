import { existsSync, mkdirSync, readFileSync, realpathSync } from "node:fs";
import { writeFileAtomic } from "../config/atomic-write.js";
import { dirname, join, resolve } from "node:path";
import { userConfigPath } from "../config/paths.js";

/**
 * The user's own record of the projects they trusted, and of the approvals they made permanent
 * there. It lives in the user's config directory, never in the project: a repository can ship any
 * file it likes inside itself, so nothing inside it can be what grants it authority.
 */
export interface ProjectRecord {
  /** "trusted": the project's elevating settings apply; "untrusted": the user said no (not asked again). */
  trust?: "trusted" | "untrusted";
  decidedAt?: string;
  /** Rules the user added with "yes, don't ask again" in this project. */
  allow?: string[];
}

interface RecordFile {
  version: 1;
  projects: Record<string, ProjectRecord>;
}

export function trustRecordPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(userConfigPath(env)), "projects.json");
}

/** Projects are keyed by their real path, so a symlinked checkout and its target are one project. */
export function projectKey(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return resolve(root);
  }
}

function read(env: NodeJS.ProcessEnv): RecordFile {
  const file = trustRecordPath(env);
  if (!existsSync(file)) return { version: 1, projects: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<RecordFile>;
    if (parsed && typeof parsed.projects === "object" && parsed.projects !== null && !Array.isArray(parsed.projects)) {
      return { version: 1, projects: parsed.projects };
    }
  } catch {
    // Fall through: an unreadable record trusts nothing (the safe reading), and is reported.
  }
  throw new TrustRecordError(`${file} is not a valid trust record. Fix or remove it (removing it forgets every trusted project).`);
}

export class TrustRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TrustRecordError";
  }
}

function write(env: NodeJS.ProcessEnv, data: RecordFile): void {
  const file = trustRecordPath(env);
  mkdirSync(dirname(file), { recursive: true });
  // Write-then-rename: a crash mid-write must not leave a half record that trusts or forgets at random.
  writeFileAtomic(file, `${JSON.stringify(data, null, 2)}\n`, 0o600);
}

export function projectRecord(root: string, env: NodeJS.ProcessEnv = process.env): ProjectRecord {
  return read(env).projects[projectKey(root)] ?? {};
}

export function isTrusted(root: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return projectRecord(root, env).trust === "trusted";
}

function update(root: string, env: NodeJS.ProcessEnv, change: (r: ProjectRecord) => ProjectRecord | undefined): void {
  const data = read(env);
  const key = projectKey(root);
  const next = change({ ...(data.projects[key] ?? {}) });
  if (next && Object.keys(next).length) data.projects[key] = next;
  else delete data.projects[key];
  write(env, data);
}

/** Record the user's decision about a project (the TUI prompt, `letta-code trust`). */
export function setTrust(root: string, trust: "trusted" | "untrusted", env: NodeJS.ProcessEnv = process.env): void {
  update(root, env, (r) => ({ ...r, trust, decidedAt: new Date().toISOString() }));
}

/** `letta-code trust --revoke`: forget the decision, so elevating settings stop applying and the TUI asks again. */
export function revokeTrust(root: string, env: NodeJS.ProcessEnv = process.env): boolean {
  let had = false;
  update(root, env, (r) => {
    had = r.trust === "trusted";
    const { trust: _t, decidedAt: _d, ...rest } = r;
    return rest;
  });
  return had;
}

/** Remember an allow rule for this project on this machine ("yes, don't ask again"). */
export function rememberAllowRule(root: string, rule: string, env: NodeJS.ProcessEnv = process.env): void {
  update(root, env, (r) => ({ ...r, allow: [...new Set([...(r.allow ?? []), rule])] }));
}
