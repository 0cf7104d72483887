import type { McpSection } from "../config/sections.js";
import { readApprovals } from "./approvals.js";
import { mergeServers, type MergeResult } from "./merge.js";

export interface McpFlags {
  /** --mcp-config values (files or inline JSON), in order. */
  configs?: string[];
  /** --strict-mcp-config */
  strict?: boolean;
}

/** The resolved config's servers (trust already applied there) and the user's approvals: which servers this run starts. */
export function loadMcpPlan(opts: { mcp: McpSection; projectRoot: string; env: NodeJS.ProcessEnv }): MergeResult {
  const { mcp } = opts;
  return mergeServers({
    userServers: mcp.user,
    projectServers: mcp.project,
    flagServers: mcp.flag,
    strict: mcp.strict,
    trusted: mcp.projectAdmitted,
    approvals: readApprovals(opts.projectRoot, opts.env),
  });
}
