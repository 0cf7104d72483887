import * as fs from "node:fs";
import { dirname, join, relative } from "node:path";
import { userConfigPath } from "../config/config.js";
import { isInside } from "../permissions/paths.js";

/**
 * Instruction files (AGENTS.md and its kin): the user's and the project's words for every agent,
 * read into each step's system prompt. A project's file is repository content, so it is text
 * only: nothing in it is parsed as configuration.
 */

/** The project's file: the first of these that exists and has text wins, as in other coding agents. */
export const PROJECT_INSTRUCTION_FILES = ["AGENTS.md", "CLAUDE.md", "GEMINI.md", ".github/copilot-instructions.md"];
/** Beyond this a file is cut, so a huge (or hostile) file cannot crowd out the conversation. */
export const INSTRUCTION_FILE_CAP = 32 * 1024;

export interface InstructionFile {
  scope: "user" | "project";
  /** Absolute path as found (not the symlink target), for the prompt and the user. */
  path: string;
  text: string;
  /** Size on disk in bytes; over INSTRUCTION_FILE_CAP means `text` was cut. */
  bytes: number;
  truncated: boolean;
}

export function userInstructionsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(userConfigPath(env)), "AGENTS.md");
}

interface Cached {
  key: string;
  file: InstructionFile | null;
}

type Found = { file: InstructionFile } | { skip: string } | null;

/**
 * Finds and reads the instruction files, re-reading one only when its size or mtime changed
 * (a stat per candidate per step). Says once per file and state why a file was cut or refused.
 */
export class InstructionFiles {
  private cache = new Map<string, Cached>();
  private told = new Set<string>();
  private rootReal: string;

  constructor(
    private projectRoot: string,
    private env: NodeJS.ProcessEnv = process.env,
    private notice: (message: string) => void = () => undefined,
  ) {
    try {
      this.rootReal = fs.realpathSync(projectRoot);
    } catch {
      this.rootReal = projectRoot;
    }
  }

  /** The files in use now: the user's first, then the project's. */
  list(): InstructionFile[] {
    const files: InstructionFile[] = [];
    const user = this.read(userInstructionsPath(this.env), "user");
    if (user && "file" in user) files.push(user.file);
    for (const rel of PROJECT_INSTRUCTION_FILES) {
      const found = this.read(join(this.projectRoot, rel), "project");
      if (found && "file" in found) {
        files.push(found.file);
        break;
      }
    }
    return files;
  }

  private read(path: string, scope: InstructionFile["scope"]): Found {
    let link: fs.Stats;
    try {
      link = fs.lstatSync(path);
    } catch {
      return null;
    }
    let real = path;
    if (link.isSymbolicLink()) {
      try {
        real = fs.realpathSync(path);
      } catch {
        return null;
      }
      // A repository may link AGENTS.md to any file on the machine; only the user's own file may point anywhere.
      if (scope === "project" && !isInside(this.rootReal, real)) {
        return this.skip(path, `${path} is a symlink to ${real}, outside the project; it was not read.`);
      }
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(real);
    } catch {
      return null;
    }
    // A FIFO or device named AGENTS.md would block or stream forever.
    if (!st.isFile()) return this.skip(path, `${path} is not a regular file; it was not read.`);
    const key = `${real}:${st.size}:${st.mtimeMs}`;
    const hit = this.cache.get(path);
    if (hit?.key === key) return hit.file ? { file: hit.file } : null;
    const file = readCapped(real, st.size, path, scope);
    this.cache.set(path, { key, file });
    if (file?.truncated) {
      this.tell(key, `${path} is ${file.bytes} bytes; only the first ${INSTRUCTION_FILE_CAP} are given to the model.`);
    }
    return file ? { file } : null;
  }

  private skip(path: string, message: string): Found {
    this.cache.delete(path);
    this.tell(message, message);
    return { skip: message };
  }

  private tell(key: string, message: string): void {
    if (this.told.has(key)) return;
    this.told.add(key);
    this.notice(message);
  }
}

function readCapped(real: string, size: number, path: string, scope: InstructionFile["scope"]): InstructionFile | null {
  let raw: Buffer;
  try {
    const fd = fs.openSync(real, "r");
    try {
      const buf = Buffer.alloc(Math.min(size, INSTRUCTION_FILE_CAP));
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      raw = buf.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  const truncated = size > INSTRUCTION_FILE_CAP;
  // A cut may split a multi-byte character: drop the partial one rather than show a replacement mark.
  let text = raw.toString("utf8");
  if (truncated) text = text.replace(/\uFFFD+$/, "");
  text = text.replace(/^\uFEFF/, "").trimEnd();
  if (!text.trim()) return null;
  return { scope, path, text, bytes: size, truncated };
}

/** One file as the user sees it in `/memory` and `memory show`: the project's relative to its root. */
export function instructionFileLabel(f: InstructionFile, projectRoot: string): string {
  const rel = relative(projectRoot, f.path);
  const shown = f.scope === "project" && rel && !rel.startsWith("..") ? rel : f.path;
  const size = f.bytes < 1024 ? `${f.bytes} B` : `${(f.bytes / 1024).toFixed(1)} KB`;
  return `${shown} (${f.scope}, ${size}${f.truncated ? `, truncated to ${INSTRUCTION_FILE_CAP / 1024} KB` : ""})`;
}
