import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fieldString, parseFrontmatter } from "./frontmatter.js";
import { userConfigDir, userHome } from "./hook-config.js";
import { outsideProject } from "./inside-project.js";
import { compareNames } from "../name-order.js";

export interface Skill {
  name: string;
  description: string;
  /** The skill's folder (real path): read_file may read inside it, read-only. */
  dir: string;
  file: string;
  scope: "user" | "project";
}

/** Where skills are looked for, strongest first (a project's skill beats the user's of the same name). */
export function skillDirs(projectRoot: string, env: NodeJS.ProcessEnv = process.env): { dir: string; scope: Skill["scope"] }[] {
  return [
    { dir: join(projectRoot, ".agents", "skills"), scope: "project" },
    { dir: join(projectRoot, ".letta", "skills"), scope: "project" },
    { dir: join(projectRoot, ".claude", "skills"), scope: "project" },
    { dir: join(userHome(env), ".agents", "skills"), scope: "user" },
    { dir: join(userConfigDir(env), "skills"), scope: "user" },
  ];
}

/** The Agent Skills format's limits. */
const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const MAX_NAME = 64;
const MAX_DESCRIPTION = 1024;
const MAX_SKILL_BYTES = 512 * 1024;

export function discoverSkills(projectRoot: string, env: NodeJS.ProcessEnv = process.env): { skills: Skill[]; warnings: string[] } {
  const byName = new Map<string, Skill>();
  const warnings: string[] = [];
  for (const { dir, scope } of skillDirs(projectRoot, env)) {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.startsWith(".")) continue;
      const folder = join(dir, entry);
      const file = join(folder, "SKILL.md");
      let text: string;
      const escape = scope === "project" ? (outsideProject(folder, projectRoot) ?? outsideProject(file, projectRoot)) : undefined;
      if (escape) {
        warnings.push(`${file} links to ${escape}, outside the project; skill skipped.`);
        continue;
      }
      try {
        if (!statSync(folder).isDirectory()) continue;
        const st = statSync(file);
        if (st.size > MAX_SKILL_BYTES) throw new Error(`larger than ${MAX_SKILL_BYTES / 1024} KB`);
        text = readFileSync(file, "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
        warnings.push(`${file}: ${(e as Error).message}; skill skipped.`);
        continue;
      }
      try {
        const { data } = parseFrontmatter(text);
        const name = fieldString(data, "name")?.trim();
        const description = fieldString(data, "description")?.trim();
        if (!name) throw new Error('the frontmatter has no "name"');
        if (!description) throw new Error('the frontmatter has no "description"');
        if (name.length > MAX_NAME || !NAME.test(name)) throw new Error(`name "${name}" must be lower-case letters, digits and hyphens (at most ${MAX_NAME})`);
        if (byName.has(name)) continue;
        byName.set(name, {
          name,
          description: description.length > MAX_DESCRIPTION ? `${description.slice(0, MAX_DESCRIPTION - 3)}...` : description,
          dir: realpathSync(folder),
          file,
          scope,
        });
      } catch (e) {
        warnings.push(`${file}: ${(e as Error).message}; skill skipped.`);
      }
    }
  }
  return { skills: [...byName.values()].sort((a, b) => compareNames(a.name, b.name)), warnings };
}

const MAX_LISTED_FILES = 200;

/** The files beside SKILL.md, relative to the skill folder (what the agent may read next). */
export function skillFiles(skill: Skill): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => compareNames(a.name, b.name))) {
      if (out.length >= MAX_LISTED_FILES) return;
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      const p = join(d, e.name);
      if (e.isDirectory() && depth < 4) walk(p, depth + 1);
      else if (e.isFile()) out.push(relative(skill.dir, p));
    }
  };
  walk(skill.dir, 0);
  return out;
}

export function skillBody(skill: Skill): string {
  return parseFrontmatter(readFileSync(skill.file, "utf8")).body.trim();
}
