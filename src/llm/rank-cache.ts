import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { userCacheDir } from "../config/user-dirs.js";
import { buildRankTable, parseRankTable, serializeRankTable, type RankTable, type TiktokenRanks } from "./rank-table.js";

/**
 * The exact tokenizer's rank table, cached across runs as one file in the user's cache dir
 * (`~/.cache/letta-code/tokenizer/<encoding>.bin`): a process that counts exactly reads ~4 MB instead of
 * rebuilding js-tiktoken's Maps. The cache is user state, never inside a project, so a repository cannot
 * plant one; a file that is missing, corrupt or from other rank data is rebuilt from js-tiktoken's ranks, and
 * a cache dir that cannot be written only means the table lives in memory for this process.
 */
const require = createRequire(import.meta.url);

/** o200k's table is ~4 MB; anything far bigger is not one of ours. */
const MAX_FILE = 64 * 2 ** 20;

export type RankTableOrigin = "cache" | "built" | "memory";

export function tokenizerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(userCacheDir(env), "tokenizer");
}

/** Names the data a table comes from, so an upgraded js-tiktoken with different ranks is never read from an old file. */
export function rankTableSource(encoding: string): string {
  return sourceOf(encoding).source;
}

function sourceOf(encoding: string): { source: string; ranksFile: string } {
  const ranksFile = require.resolve(`js-tiktoken/ranks/${encoding}`);
  let version = "unknown";
  try {
    version = (JSON.parse(readFileSync(join(dirname(ranksFile), "..", "..", "package.json"), "utf8")) as { version: string }).version;
  } catch {
    // An unusual layout: the rank file's size below still tells versions apart in practice.
  }
  return { source: `${encoding} js-tiktoken@${version} ${statSync(ranksFile).size}`, ranksFile };
}

export function loadRankTable(encoding: string, dir: string | null = tokenizerCacheDir()): { table: RankTable; origin: RankTableOrigin } {
  const { source, ranksFile } = sourceOf(encoding);
  const file = dir === null ? null : join(dir, `${encoding}.bin`);
  if (file) {
    const data = readCacheFile(file);
    if (data) {
      let parsed: RankTable | string;
      try {
        parsed = parseRankTable(data, source);
      } catch (e) {
        // Whatever a damaged file trips on, it is rebuilt rather than breaking the count.
        parsed = String(e);
      }
      if (typeof parsed !== "string") return { table: parsed, origin: "cache" };
    }
  }
  const ranks = require(ranksFile) as TiktokenRanks & { default?: TiktokenRanks };
  const table = buildRankTable(ranks.default ?? ranks, source);
  return { table, origin: file && writeAtomically(file, table) ? "built" : "memory" };
}

/** The file's bytes, unless it is missing, unreadable, not a regular file (a FIFO would block) or implausibly big. */
function readCacheFile(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_FILE) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Write-then-rename, so a concurrent run reads the old file or the whole new one, never a half-written one. */
function writeAtomically(file: string, table: RankTable): boolean {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, serializeRankTable(table), { mode: 0o600 });
    renameSync(tmp, file);
    return true;
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // Nothing was written there.
    }
    return false;
  }
}
