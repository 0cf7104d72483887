import { flagServers, projectServers, userServers } from "./config.js";
import { readApprovals } from "./approvals.js";
import { mergeServers, type MergeResult } from "./merge.js";

export interface McpFlags {
  /** --mcp-config values (files or inline JSON), in order. */
  configs?: string[];
  /** --strict-mcp-config */
  strict?: boolean;
}

/** Read every scope's servers and the user's approvals, and decide which servers this run starts. */
export function loadMcpPlan(opts: {
  projectRoot: string;
  env: NodeJS.ProcessEnv;
  flags?: McpFlags;
  cwd?: string;
  trusted: boolean;
}): MergeResult {
  const strict = opts.flags?.strict === true;
  return mergeServers({
    userServers: strict ? {} : userServers(opts.env),
    projectServers: strict ? {} : projectServers(opts.projectRoot),
    flagServers: flagServers(opts.flags?.configs ?? [], opts.cwd ?? process.cwd()),
    strict,
    trusted: opts.trusted,
    approvals: readApprovals(opts.projectRoot, opts.env),
  });
}
