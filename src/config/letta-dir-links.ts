import { lstatSync, readdirSync, realpathSync } from "node:fs";
import { join, relative, isAbsolute } from "node:path";
import { ConfigError } from "./config.js";

/**
 * What letta-code only reads: settings a user may keep elsewhere and link to, and the commands and
 * skills folders (their loaders skip links leading out of the project, with a notice).
 */
const READ_ONLY = new Set(["config.json", "config.local.json", "commands", "skills"]);
const MAX_ENTRIES = 20_000;

/**
 * `.letta/` is committed with a repository, so its contents are the repository's. letta-code
 * creates its databases, their -wal/-shm files, the checkpoint manifest and .gitignore there: a
 * link planted at any of those names (or a `.letta` linking out of the project) would have it
 * create or overwrite a file wherever the link points. letta-code never makes links there, so any
 * link is refused, with its name, before anything is opened.
 */
export function refusePlantedLinks(projectRoot: string, lettaDir: string): void {
  let st;
  try {
    st = lstatSync(lettaDir);
  } catch {
    return;
  }
  if (st.isSymbolicLink()) {
    let target = "";
    try {
      target = realpathSync(lettaDir);
    } catch {
      // dangling: it leads nowhere inside the project either
    }
    const rel = target ? relative(realpathSync(projectRoot), target) : "..";
    if (!target || rel === ".." || rel.startsWith("../") || isAbsolute(rel)) {
      throw new ConfigError(`${lettaDir} is a link out of the project (to ${target || "a missing path"}); letta-code would write its memory there. Remove the link.`);
    }
  }
  let seen = 0;
  const walk = (dir: string, top: boolean) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (++seen > MAX_ENTRIES) return;
      const p = join(dir, e.name);
      if (top && READ_ONLY.has(e.name)) continue;
      if (e.isSymbolicLink()) {
        throw new ConfigError(`${p} is a symbolic link; letta-code never makes links in .letta/, and would write through this one. Remove it.`);
      }
      if (e.isDirectory()) walk(p, false);
    }
  };
  walk(lettaDir, true);
}
