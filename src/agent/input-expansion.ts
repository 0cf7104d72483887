import { expandCommand } from "../extensions/command-expand.js";
import { matchCommand, type CustomCommand } from "../extensions/commands.js";
import { skillContent } from "../extensions/load-skill-tool.js";
import type { Skill } from "../extensions/skills.js";
import type { ShellSettings } from "../tools/types.js";
import { expandMentions } from "./file-mentions.js";
import type { ExpandedInput } from "./input-types.js";
import { SKILL_INVOKED } from "./prompts.js";
import { expandResources, type ResourceReader } from "./resource-mentions.js";

/** What input expansion reads: the session's commands, skills and MCP resources, and the project's trust. */
export interface InputSources {
  projectRoot: string;
  trusted: boolean;
  shell: ShellSettings;
  commands: () => readonly CustomCommand[];
  skills: () => readonly Skill[];
  resources?: ResourceReader;
}

/**
 * A user's input as the model will read it, the same for every face: `/name args` runs a custom
 * command (or invokes a skill by name), `@path` attaches a project file, `@server:uri` an MCP resource.
 * Anything else is the text as typed.
 */
export async function expandInput(raw: string, sources: InputSources, signal?: AbortSignal): Promise<ExpandedInput> {
  const out: ExpandedInput = { text: raw, attachments: [], notices: [] };
  const custom = matchCommand(raw, sources.commands());
  if (custom) {
    // A command's own `@file` mentions are attached by expandCommand (which leaves plain paths behind).
    const x = await expandCommand(custom.command, custom.args, { projectRoot: sources.projectRoot, trusted: sources.trusted, shell: sources.shell, signal });
    Object.assign(out, { text: x.text, allowTools: x.allowedTools, model: x.model, command: { kind: "command", name: custom.command.name } });
    out.notices.push(...x.notices);
  } else {
    const skill = matchSkill(raw, sources.skills());
    if (skill) {
      try {
        out.text = SKILL_INVOKED(skill.skill.name, skillContent(skill.skill).content, skill.args);
        out.command = { kind: "skill", name: skill.skill.name };
      } catch (e) {
        out.notices.push(`Could not read the skill ${skill.skill.name} (${skill.skill.file}): ${(e as Error).message}; the text was sent as typed.`);
      }
    } else {
      try {
        const m = expandMentions(raw, sources.projectRoot);
        out.text = m.text;
        out.attachments.push(...m.attachments);
      } catch (e) {
        out.notices.push(`Could not attach files: ${(e as Error).message}`);
      }
    }
  }
  if (sources.resources) {
    const r = await expandResources(out.text, sources.resources);
    out.text = r.text;
    out.attachments.push(...r.attachments);
    if (r.failed.length) out.notices.push(`Could not attach ${r.failed.join(", ")}`);
  }
  return out;
}

function matchSkill(text: string, skills: readonly Skill[]): { skill: Skill; args: string } | null {
  const m = /^\/([a-z0-9-]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  const skill = m && skills.find((s) => s.name === m[1]);
  return skill ? { skill, args: (m![2] ?? "").trim() } : null;
}
