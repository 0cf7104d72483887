import { readFileSync, statSync } from "node:fs";
import { resolveInProject, displayPath } from "../permissions/paths.js";
import type { ShellSettings } from "../tools/types.js";
import { substituteArguments, type CustomCommand } from "./commands.js";
import { runHookProcess } from "./hook-process.js";
import { canonicalRule } from "../permissions/tool-aliases.js";
import { elevatingApplies } from "../trust/project-settings.js";

const SNIPPET = /!`([^`\n]+)`/g;
const SNIPPET_TIMEOUT_MS = 30_000;
const SNIPPET_OUTPUT_CAP = 16 * 1024;
const ATTACH_CAP = 100 * 1024;

export interface ExpandedCommand {
  /** What the model receives as the user's message. */
  text: string;
  /** For the user: what was not done and why (untrusted snippets, missing files). */
  notices: string[];
  /** Allow rules for this turn only, already in our tool names; empty for an untrusted project's command. */
  allowedTools: string[];
  model?: string;
}

/** A fence longer than any backtick run inside, so an attached file cannot close its block early. */
function fence(content: string): string {
  let longest = 2;
  for (const m of content.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return "`".repeat(longest + 1);
}

/**
 * Turn `/name args` into the message the model reads. A project's command is the repository's
 * text: in an untrusted project its `!`shell`` snippets are not run and its allowed-tools grant nothing.
 */
export async function expandCommand(
  cmd: CustomCommand,
  args: string,
  opts: { projectRoot: string; trusted: boolean; shell: ShellSettings; signal?: AbortSignal },
): Promise<ExpandedCommand> {
  const notices: string[] = [];
  const elevated = elevatingApplies(cmd.scope, opts.trusted);
  let text = substituteArguments(cmd.body, args).trim();

  const snippets = [...text.matchAll(SNIPPET)].map((m) => m[1]!);
  if (snippets.length && !elevated) {
    notices.push(
      `/${cmd.name} (${cmd.file}) has shell snippets; they were not run because this project is not trusted (run \`letta-code trust\` to allow them).`,
    );
    text = text.replace(SNIPPET, (_m, c: string) => `\`${c}\` (not run: untrusted project)`);
  } else if (snippets.length) {
    const outputs = new Map<string, string>();
    for (const c of new Set(snippets)) {
      const r = await runHookProcess(c, "", { projectRoot: opts.projectRoot, timeoutMs: SNIPPET_TIMEOUT_MS, shell: opts.shell, signal: opts.signal });
      let out = (r.stdout + r.stderr).trimEnd();
      if (out.length > SNIPPET_OUTPUT_CAP) out = `${out.slice(0, SNIPPET_OUTPUT_CAP)}\n[… output cut at ${SNIPPET_OUTPUT_CAP / 1024} KB]`;
      if (r.error || r.timedOut || r.exitCode !== 0) {
        const why = r.error ?? (r.timedOut ? `timed out after ${SNIPPET_TIMEOUT_MS / 1000} s` : `exit code ${r.exitCode}`);
        notices.push(`/${cmd.name}: \`${c}\` ${why}.`);
        out = `${out}${out ? "\n" : ""}[${why}]`;
      }
      outputs.set(c, out);
    }
    text = text.replace(SNIPPET, (_m, c: string) => outputs.get(c) ?? "");
  }

  const blocks: string[] = [];
  text = text.replace(/(^|\s)@([^\s@`]+)/g, (whole, pre: string, raw: string) => {
    const p = raw.replace(/[.,;:!?)\]]+$/, "");
    try {
      const abs = resolveInProject(opts.projectRoot, p);
      const st = statSync(abs);
      if (!st.isFile()) return whole;
      const bytes = readFileSync(abs);
      // A binary file (the memory database, an image) is no text to attach.
      if (bytes.subarray(0, 8192).includes(0)) return whole;
      let content = bytes.toString("utf8");
      let note = "";
      if (content.length > ATTACH_CAP) {
        content = content.slice(0, ATTACH_CAP);
        note = `\n[truncated: ${st.size} bytes, the first ${ATTACH_CAP / 1024} KB attached]`;
      }
      const rel = displayPath(opts.projectRoot, abs);
      const f = fence(content);
      if (!blocks.some((b) => b.startsWith(`${rel}:`))) blocks.push(`${rel}:\n${f}\n${content}\n${f}${note}`);
      // The mention becomes a plain path: the file is attached below (and the TUI will not attach it twice).
      return `${pre}${p}${raw.slice(p.length)}`;
    } catch {
      return whole; // not a file inside the project: an e-mail, a decorator, a handle …
    }
  });
  if (blocks.length) text += `\n\nAttached files:\n${blocks.join("\n\n")}`;

  let allowedTools = cmd.allowedTools.map(canonicalRule);
  if (allowedTools.length && !elevated) {
    notices.push(`/${cmd.name} (${cmd.file}) lists allowed-tools; they grant nothing because this project is not trusted.`);
    allowedTools = [];
  }
  return { text, notices, allowedTools, model: cmd.model };
}
