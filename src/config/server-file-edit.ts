import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { McpServerConfig } from "../mcp/config.js";
import { ConfigError } from "./layer.js";

/*
 * `letta-code mcp add/remove` edit a file in place; they read it only to keep everything else in
 * it. What a file's servers mean for a run is the resolver's (resolve.ts), never read from here.
 */

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}. Fix or remove it.`);
  }
}

/** Add or replace one server in a config file's `mcpServers`, keeping everything else in the file. */
export function writeServer(file: string, name: string, config: McpServerConfig | undefined): void {
  const o = existsSync(file) ? (readJson(file) as Record<string, unknown>) : {};
  if (!o || typeof o !== "object" || Array.isArray(o)) throw new ConfigError(`${file} must hold a JSON object.`);
  const servers = { ...((o.mcpServers as Record<string, unknown> | undefined) ?? {}) };
  if (config) servers[name] = config;
  else delete servers[name];
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...o, mcpServers: servers }, null, 2)}\n`);
}

/** The raw `mcpServers` names of one file (for `mcp remove`, which must not need a valid entry). */
export function serverNames(file: string): string[] {
  if (!existsSync(file)) return [];
  const o = readJson(file) as Record<string, unknown>;
  const s = o && typeof o === "object" ? o.mcpServers : undefined;
  return s && typeof s === "object" ? Object.keys(s) : [];
}
