import type { Command } from "commander";

/** `letta-code skills list [--json]`: the skills the agent can load here, and any that are malformed. */
export function attachSkillsCommand(program: Command, setCode: (code: number) => void): void {
  const skills = program.command("skills").description("list the skills (folders with a SKILL.md) the agent can load in this project");
  skills
    .command("list")
    .description("the skills found in .agents/skills, .letta/skills, .claude/skills and your user folders")
    .option("--json", "as JSON")
    .action(async (o: { json?: boolean }) => {
      const { listSkills } = await import("./skills-actions.js");
      setCode(listSkills(!!o.json));
    });
}
