import { existsSync, lstatSync, readFileSync, readlinkSync } from "node:fs";
import { ConfigError, validateLayer, type ConfigLayer } from "./layer.js";
import type { ConfigOrigin } from "./sections.js";

/**
 * One config file as read: its core settings validated, every other section still as written, so
 * the trust rule can withhold a section before anything in it is parsed, run or reported.
 */
export interface ConfigFile {
  file: string;
  origin: ConfigOrigin;
  /** Claude Code's `.mcp.json`: it holds servers only, and those are approved one by one. */
  mcpJson?: boolean;
  layer: ConfigLayer;
  /** The whole object as written: `hooks`, `mcpServers`, `checkpoints`, `team`, `serve` are taken from here. */
  raw: Record<string, unknown>;
}

function readJsonObject(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}. Fix or remove it.`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError(`${file} must hold a JSON object.`);
  }
  return parsed as Record<string, unknown>;
}

/** A `config.json` / `config.local.json`; a broken one stops the run (exit 2) naming the file. */
export function readConfigFile(file: string, origin: ConfigOrigin): ConfigFile | undefined {
  const raw = readJsonObject(file);
  return raw && { file, origin, layer: validateLayer(raw, file), raw };
}

/**
 * A project's `.mcp.json`. Another tool's file must not stop our run: a broken one comes back as
 * its `problem`, shown as one skipped server.
 */
export function readMcpJson(file: string): (ConfigFile & { problem?: string }) | undefined {
  try {
    const raw = readJsonObject(file);
    return raw && { file, origin: "project", mcpJson: true, layer: {}, raw: { mcpServers: raw.mcpServers } };
  } catch (err) {
    return { file, origin: "project", mcpJson: true, layer: {}, raw: {}, problem: (err as Error).message };
  }
}

/**
 * Before letta-code edits a project's settings file (config set --project/--local, hooks import): a
 * link there may be one the repository committed, to the user's own config (it can guess the path),
 * and editing would copy everything in that file, their key included, into a file git commits.
 * A link the user made is theirs to edit at its target.
 */
export function refuseLinkedProjectFile(file: string): void {
  let target: string | undefined;
  try {
    if (lstatSync(file).isSymbolicLink()) target = readlinkSync(file);
  } catch {
    return;
  }
  if (target !== undefined) throw new ConfigError(`${file} is a link (to ${target}); left as it is. Edit the file it leads to, or remove the link.`);
}

/** A `--mcp-config` file: the user named it, so a broken one is a usage error. */
export function readFlagFile(file: string): unknown {
  if (!existsSync(file)) throw new ConfigError(`--mcp-config: no such file ${file}.`);
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}. Fix or remove it.`);
  }
}
