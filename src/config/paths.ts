import { join } from "node:path";
import { LETTA_DIR } from "./project.js";
import { userConfigDir } from "./user-dirs.js";

export function userConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(userConfigDir(env), "config.json");
}

export function projectConfigPath(projectRoot: string): string {
  return join(projectRoot, LETTA_DIR, "config.json");
}

/** Machine-local project settings (approvals remembered with "don't ask again"); kept out of git. */
export function localConfigPath(projectRoot: string): string {
  return join(projectRoot, LETTA_DIR, "config.local.json");
}

/** Claude Code's project file of MCP servers, read too so a repository set up for it works here. */
export const MCP_JSON = ".mcp.json";

export function mcpJsonPath(projectRoot: string): string {
  return join(projectRoot, MCP_JSON);
}
