import { findProjectRoot } from "../config/project.js";
import { discoverSkills } from "../extensions/skills.js";
import { EXIT } from "./headless.js";

export function listSkills(json: boolean): number {
  const { skills, warnings } = discoverSkills(findProjectRoot());
  // Malformed skills go to stderr with their path, so `--json | jq` keeps working.
  for (const w of warnings) process.stderr.write(`letta-code: ${w}\n`);
  if (json) {
    const rows = skills.map((s) => ({ name: s.name, description: s.description, scope: s.scope, path: s.file }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  if (!skills.length) {
    process.stdout.write("No skills found. Put a folder with a SKILL.md in .agents/skills/ (project) or ~/.agents/skills/ (you).\n");
    return EXIT.ok;
  }
  const w = Math.max(...skills.map((s) => s.name.length)) + 2;
  for (const s of skills) process.stdout.write(`${s.name.padEnd(w)}${s.description}\n${" ".repeat(w)}(${s.scope}: ${s.file})\n`);
  return EXIT.ok;
}
