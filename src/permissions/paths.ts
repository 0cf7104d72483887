import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ToolError } from "../tools/types.js";
import { LETTA_DIR } from "../config/project.js";
import { readOnlyInProject } from "./sandbox.js";
import { userStateDirs } from "../config/user-dirs.js";

/** The project's own memory store: file tools never write here (the memory tools do, through the store). */

export interface ResolveOptions {
  forWrite?: boolean;
}

/** True when `child` is `parent` or lies below it (both absolute and normalised). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  // "..foo" is a child named "..foo", not a parent reference.
  return !path.isAbsolute(rel) && rel !== ".." && !rel.startsWith(".." + path.sep);
}

/**
 * Realpath that also works for paths that do not exist yet: the nearest existing ancestor is
 * resolved and the missing tail appended. Dangling symlinks are followed to their (missing)
 * target, so a link pointing outside cannot be used to create a file there.
 */
export function realpathLoose(p: string, depth = 0): string {
  if (depth > 40) throw new ToolError(`Too many levels of symbolic links resolving ${p}`);
  try {
    return fs.realpathSync(p);
  } catch {
    // Fall through: missing, dangling link, or not a directory somewhere up the chain.
  }
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(p);
  } catch {
    st = undefined;
  }
  if (st?.isSymbolicLink()) {
    const target = path.resolve(path.dirname(p), fs.readlinkSync(p));
    return realpathLoose(target, depth + 1);
  }
  const parent = path.dirname(p);
  if (parent === p) return p;
  return path.join(realpathLoose(parent, depth), path.basename(p));
}

function rootReal(projectRoot: string): string {
  try {
    return fs.realpathSync(projectRoot);
  } catch {
    return path.resolve(projectRoot);
  }
}

/**
 * Resolve a model-supplied path against the project root and refuse anything that would leave it.
 * Returns the real (symlink-free) absolute path, so later file operations cannot be redirected.
 */
export function resolveInProject(projectRoot: string, userPath: string, opts: ResolveOptions = {}): string {
  const root = rootReal(projectRoot);
  if (typeof userPath !== "string" || userPath.trim() === "") {
    throw new ToolError(`Empty path (project root: ${root})`);
  }
  if (userPath.includes("\0")) throw new ToolError(`Invalid path "${userPath}": contains a NUL byte`);

  // The model sometimes writes ~/..., which a shell would expand; treat it the same way so it is refused.
  let expanded = userPath;
  if (expanded === "~" || expanded.startsWith("~/")) expanded = path.join(os.homedir(), expanded.slice(1));

  const lexical = path.resolve(path.resolve(projectRoot), expanded);
  const lexicallyInside = isInside(path.resolve(projectRoot), lexical) || isInside(root, lexical);
  if (!lexicallyInside) {
    throw new ToolError(`Path "${userPath}" is outside the project root ${root}; only files inside the project can be accessed`);
  }

  const real = realpathLoose(lexical);
  if (!isInside(root, real)) {
    throw new ToolError(
      `Path "${userPath}" resolves through a symlink to ${real}, which is outside the project root ${root}`,
    );
  }

  if (opts.forWrite && isInside(path.join(root, LETTA_DIR), real)) {
    throw new ToolError(
      `Refusing to write "${userPath}": ${LETTA_DIR}/ in the project root ${root} is letta-code's own memory store; use the memory tools instead`,
    );
  }
  if (opts.forWrite) refuseGitWrite(root, path.resolve(projectRoot), userPath, lexical, real);
  if (opts.forWrite) refuseUserStateWrite(userPath, lexical, real);
  return real;
}

/** The user's letta-code settings, trust record, shared memory and cache, when the project contains them. */
function refuseUserStateWrite(userPath: string, lexical: string, real: string): void {
  for (const dir of userStateDirs()) {
    const abs = path.resolve(dir);
    if (isInside(abs, lexical) || isInside(realpathLoose(abs), real)) {
      throw new ToolError(
        `Refusing to write "${userPath}": it is inside ${abs}, letta-code's own user settings, memory and cache; file tools never write there`,
      );
    }
  }
}

/** A `.git` component anywhere in the path, in any case (case-insensitive file systems treat `.GIT` as `.git`). */
function hasGitComponent(root: string, p: string): boolean {
  return path
    .relative(root, p)
    .split(path.sep)
    .some((c) => c.toLowerCase() === ".git");
}

/**
 * git's own data is not the project's files: a hook or a `core.fsmonitor` written there runs the
 * next time the user runs git. Nested repositories count too, and a `.git` file's repository.
 */
function refuseGitWrite(root: string, lexicalRoot: string, userPath: string, lexical: string, real: string): void {
  const gitDirs = readOnlyInProject(root).filter((p) => path.basename(p) !== LETTA_DIR);
  const inGit = hasGitComponent(root, real) || hasGitComponent(lexicalRoot, lexical) || gitDirs.some((d) => isInside(d, real));
  if (inGit) {
    throw new ToolError(
      `Refusing to write "${userPath}": it is inside git's own data (.git), where hooks and config run code; file tools never write there`,
    );
  }
}

/** A path as the model and user should see it: relative to the project root when inside it. */
export function displayPath(projectRoot: string, abs: string): string {
  const root = rootReal(projectRoot);
  const rel = path.relative(root, abs);
  if (rel === "") return ".";
  return isInside(root, abs) ? rel : abs;
}
