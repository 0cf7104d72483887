import { join } from "node:path";
import { askYesNo } from "./confirm.js";
import { findProjectRoot } from "../config/project.js";
import { ConfigError, projectConfigPath, resolveConfig, userConfigPath, type ProjectHookSet } from "../config/config.js";
import { readSettingsObject, writeHooks } from "../config/hooks-file-edit.js";
import { refuseLinkedProjectFile } from "../config/config-files.js";
import { hookLines } from "../extensions/hook-approval-text.js";
import { userHome, type HookSpec } from "../extensions/hook-config.js";
import { mergeClaudeHooks, type HooksObject, type ImportLine } from "../extensions/hook-import.js";
import { recordHookApproval, type HookSetDecision } from "../trust/hook-approvals.js";
import { isTrusted } from "../trust/record.js";
import { EXIT } from "./headless.js";

const out = (s: string) => process.stdout.write(`${s}\n`);
const warn = (s: string) => process.stderr.write(`letta-code: ${s}\n`);

interface Ctx {
  root: string;
  env: NodeJS.ProcessEnv;
}
const context = (): Ctx => ({ root: findProjectRoot(), env: process.env });

/**
 * Every hook as a run of this project would see it were the project trusted: these commands show
 * and decide the project's set, which must be visible before trust too. Nothing is run from here.
 */
const resolved = (ctx: Ctx) => resolveConfig({ projectRoot: ctx.root, env: ctx.env, trusted: true, remembered: [] }).hooks;

const RUNS_AS_USER = "run as you, outside the sandbox, with your environment";
const RUNS_SANDBOXED = "run like the project's commands: sandboxed when the sandbox is on";

function setStatus(set: ProjectHookSet, trusted: boolean): string {
  const approval = set.state === "approved" ? "approved" : set.state === "denied" ? "denied" : set.changed ? "changed since you decided; not approved" : "not approved yet";
  const trust = trusted ? "project trusted" : "project not trusted (`letta-code trust`)";
  const runs = set.state === "approved" && trusted ? "they run" : "they do not run";
  return `${approval}, ${trust}: ${runs}`;
}

export function hooksList(o: { json?: boolean }): number {
  const ctx = context();
  const section = resolved(ctx);
  const trusted = isTrusted(ctx.root, ctx.env);
  for (const w of section.warnings) warn(w);
  const own = section.hooks.filter((h) => h.scope !== "project");
  const set = section.project;
  if (o.json) {
    const item = (h: HookSpec) => ({ event: h.event, matcher: h.matcher, command: h.command, timeout_s: h.timeoutMs / 1000, file: h.file, scope: h.scope });
    out(
      JSON.stringify(
        {
          user: own.map(item),
          project: set ? { hooks: set.hooks.map(item), fingerprint: set.fingerprint, approval: set.state, changed: set.changed, trusted } : null,
        },
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  if (!own.length && !set) {
    out(`No hooks configured (${userConfigPath(ctx.env)}, ${projectConfigPath(ctx.root)}, .letta/config.local.json).`);
    out("`letta-code hooks import --from-claude` brings Claude Code's over.");
    return EXIT.ok;
  }
  if (own.length) {
    out(`Your hooks (${RUNS_AS_USER}):`);
    for (const l of hookLines(own)) out(`  ${l}`);
  }
  if (set) {
    out(`This project's hooks (${RUNS_SANDBOXED}), set ${set.fingerprint}: ${setStatus(set, trusted)}`);
    for (const l of hookLines(set.hooks)) out(`  ${l}`);
    if (set.state !== "approved") out("`letta-code hooks approve` lets this exact set run; any change asks again.");
  }
  return EXIT.ok;
}

/** Record the user's decision on the project's current hook set (headless runs run an approved set only). */
export function hooksDecide(decision: HookSetDecision): number {
  const ctx = context();
  const set = resolved(ctx).project;
  if (!set) {
    warn(`this project's files (${projectConfigPath(ctx.root)}, or a .letta/config.local.json git tracks) have no hooks to ${decision === "approved" ? "approve" : "deny"}.`);
    return EXIT.usage;
  }
  recordHookApproval(ctx.root, decision, set.fingerprint, ctx.env);
  out(`${decision === "approved" ? "Approved" : "Denied"} this project's hooks for ${ctx.root} (set ${set.fingerprint}):`);
  for (const l of hookLines(set.hooks)) out(`  ${l}`);
  if (decision === "approved" && !isTrusted(ctx.root, ctx.env)) out("They run once you trust this project: `letta-code trust`.");
  return EXIT.ok;
}

function currentHooks(file: string): HooksObject {
  const h = readSettingsObject(file).hooks;
  if (h === undefined) return {};
  if (!h || typeof h !== "object" || Array.isArray(h)) throw new ConfigError(`${file}: "hooks" must be an object; fix it before importing into it.`);
  return h as HooksObject;
}

function showLines(lines: ImportLine[]): void {
  for (const l of lines) {
    const on = l.from ? ` [${l.from === l.matcher ? l.from : `${l.from} → ${l.matcher}`}]` : "";
    out(`  ${l.result.padEnd(13)} ${l.event}${on}: ${l.command}${l.why ? `  (${l.why})` : ""}`);
  }
}

/**
 * Claude Code's user hooks into the user's config; a project's `.claude/settings.json` hooks into
 * `.letta/config.json` (committed, so asked first). A hook already there is not added twice.
 */
export async function hooksImport(o: { fromClaude?: boolean; yes?: boolean }): Promise<number> {
  if (!o.fromClaude) {
    warn("say where to import from: `letta-code hooks import --from-claude` (Claude Code's settings are the only source).");
    return EXIT.usage;
  }
  const ctx = context();
  const sources = [
    { from: join(userHome(ctx.env), ".claude", "settings.json"), to: userConfigPath(ctx.env), project: false },
    { from: join(ctx.root, ".claude", "settings.json"), to: projectConfigPath(ctx.root), project: true },
  ].map((s) => ({ ...s, hooks: readSettingsObject(s.from).hooks }));
  const found = sources.filter((s) => s.hooks !== undefined);
  if (!found.length) {
    out(`No hooks in ${sources.map((s) => s.from).join(" or ")}; nothing imported.`);
    return EXIT.ok;
  }
  let code: number = EXIT.ok;
  for (const s of found) {
    if (!s.hooks || typeof s.hooks !== "object" || Array.isArray(s.hooks)) {
      warn(`${s.from}: "hooks" is not an object; nothing imported from it.`);
      code = EXIT.usage;
      continue;
    }
    const before = s.project ? resolved(ctx).project : undefined;
    const { hooks, lines } = mergeClaudeHooks(currentHooks(s.to), s.hooks);
    const added = lines.filter((l) => l.result === "imported").length;
    out(`${s.from} → ${s.to}:`);
    showLines(lines);
    if (!added) continue;
    if (s.project && !o.yes) {
      const asked = await askYesNo(`Import ${added} hook${added === 1 ? "" : "s"} into ${s.to}, which is committed with the project? [y/N] `);
      if (asked !== true) {
        if (asked === undefined) warn(`the project's hooks were not imported: confirm with \`letta-code hooks import --from-claude --yes\` (no terminal to ask on).`);
        else out("The project's hooks were not imported.");
        code = asked === undefined ? EXIT.usage : code;
        continue;
      }
    }
    if (s.project) refuseLinkedProjectFile(s.to);
    writeHooks(s.to, hooks, s.project ? 0o644 : 0o600);
    out(`Imported ${added} hook${added === 1 ? "" : "s"} into ${s.to}.`);
    if (s.project) approveImported(ctx, before);
  }
  return code;
}

/**
 * The user just confirmed the hooks they imported into the project: if the rest of its set was
 * already approved (or there was none), the new set is approved too; otherwise it waits, as before.
 */
function approveImported(ctx: Ctx, before: ProjectHookSet | undefined): void {
  const after = resolved(ctx).project;
  if (!after) return;
  if (before && before.state !== "approved") {
    out("This project's other hooks are not approved, so the set waits for `letta-code hooks approve`.");
    return;
  }
  recordHookApproval(ctx.root, "approved", after.fingerprint, ctx.env);
  out(`Approved the project's hook set ${after.fingerprint}.${isTrusted(ctx.root, ctx.env) ? "" : " It runs once you trust this project: `letta-code trust`."}`);
}


