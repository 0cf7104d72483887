import { resolve } from "node:path";
import { parseServers, type ServerEntries } from "../mcp/config.js";
import { readFlagFile } from "./config-files.js";
import { ConfigError } from "./layer.js";

/** `--mcp-config` values: inline JSON or a file path, each `{"mcpServers": {...}}` (or the bare map). */
export function flagServers(values: readonly string[], cwd: string): ServerEntries {
  const out: ServerEntries = {};
  for (const value of values) {
    const inline = value.trim().startsWith("{");
    const where = inline ? "--mcp-config" : resolve(cwd, value);
    let parsed: unknown;
    if (inline) {
      try {
        parsed = JSON.parse(value);
      } catch (err) {
        throw new ConfigError(`--mcp-config: not valid JSON (${(err as Error).message}).`);
      }
    } else {
      parsed = readFlagFile(where);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new ConfigError(`${where} must hold a JSON object.`);
    const o = parsed as Record<string, unknown>;
    const servers = parseServers("mcpServers" in o ? o.mcpServers : o, where);
    for (const [name, entry] of Object.entries(servers)) {
      // Flag files are the user's own: a malformed one is a usage error, not a skipped server.
      if ("invalid" in entry) throw new ConfigError(entry.invalid);
      out[name] = entry;
    }
  }
  return out;
}
