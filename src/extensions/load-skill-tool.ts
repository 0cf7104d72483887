import { join } from "node:path";
import { z } from "zod";
import { defineTool, lazySchema, ToolError } from "../tools/types.js";
import { skillBody, skillFiles, type Skill } from "./skills.js";

const schema = lazySchema(() => z.object({ name: z.string().min(1).describe("The skill's name, as listed under Skills in the system prompt") }));

export const LOAD_SKILL_DESCRIPTION =
  "Load a skill: returns its instructions (SKILL.md) and the files in its folder, which you can then read with read_file. " +
  "Call it when a task matches a skill listed in the system prompt.";

/** The skills come from the session (discovered at start), so the tool is made per session. */
export function createLoadSkillTool(skills: () => readonly Skill[]) {
  return defineTool({
    name: "load_skill",
    description: LOAD_SKILL_DESCRIPTION,
    parameters: schema,
    // Reading instructions changes nothing; running a skill's script still goes through run_shell.
    kind: "read",
    ruleSubject: (args) => args.name,
    async run(args) {
      const list = skills();
      const skill = list.find((s) => s.name === args.name) ?? list.find((s) => s.name === args.name.trim().toLowerCase());
      if (!skill) {
        throw new ToolError(`No skill named "${args.name}". Available skills: ${list.map((s) => s.name).join(", ") || "(none)"}.`);
      }
      try {
        return skillContent(skill);
      } catch (e) {
        throw new ToolError(`Could not read ${skill.file}: ${(e as Error).message}`);
      }
    },
  });
}

/** A skill's instructions and folder as the model reads them: load_skill's result, and a `/skill-name` prompt's body. */
export function skillContent(skill: Skill): { content: string; display: { kind: "text"; text: string } } {
  const body = skillBody(skill);
  const files = skillFiles(skill).filter((f) => f !== "SKILL.md");
  const where =
    skill.scope === "project"
      ? `Its folder is ${skill.dir} (inside the project).`
      : `Its folder is ${skill.dir} (the user's; read_file can read files inside it by absolute path, read-only).`;
  const list = files.length ? files.map((f) => `- ${join(skill.dir, f)}`).join("\n") : "(no other files)";
  return {
    content: `<skill name="${skill.name}">\n${body}\n</skill>\n${where}\nFiles in the skill's folder:\n${list}`,
    display: { kind: "text", text: `Loaded skill ${skill.name} (${files.length} other file${files.length === 1 ? "" : "s"})` },
  };
}
