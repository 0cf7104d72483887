import { askYesNo } from "./confirm.js";
import { Project } from "../agent/open-project.js";
import { ConfigError } from "../config/config.js";
import { findProjectRoot } from "../config/project.js";
import { removeTeamLink, saveTeamLink } from "../config/team-link.js";
import { TeamDatabase } from "../store/team-pg.js";
import { maskError, maskUrl } from "../store/pg-url.js";
import { rootCommit } from "../team/project-team.js";
import { teamSyncFor } from "../team/project-sync.js";
import { teamStatusLines } from "../team/status.js";
import { TeamError, type SyncResult } from "../team/sync.js";
import { EXIT } from "./headless.js";
import { quietNotices } from "./verbosity.js";

const out = (s: string) => process.stdout.write(`${s}\n`);
const warn = (s: string) => process.stderr.write(`letta-code: ${s}\n`);
/** PostgreSQL older than this lacks nothing we use today, but is out of support: refuse it plainly. */
const MIN_SERVER = 120000;

function openProject(): Project {
  return Project.open({ onNotice: (m) => warn(m), quietNotices: quietNotices() });
}

function describe(r: SyncResult): string {
  const conflicts = r.conflicts ? `, ${r.conflicts} conflict(s) — see \`memory log\`` : "";
  const refused = r.refused ? `, refused ${r.refused} malformed or oversized (see \`team status\`)` : "";
  return `Synced: pushed ${r.pushed} change(s), pulled ${r.pulled}${conflicts}${refused}.`;
}

async function guarded(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ConfigError) {
      warn(err.message);
      return EXIT.usage;
    }
    if (err instanceof TeamError) {
      warn(`team sync failed: ${err.message}`);
      return EXIT.failed;
    }
    throw err;
  }
}

export function runTeamJoin(url: string, o: { yes?: boolean; project?: string }): Promise<number> {
  return guarded(async () => {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      warn(`the team database is a PostgreSQL URL (postgres://user@host:5432/db), not "${maskUrl(url)}".`);
      return EXIT.usage;
    }
    const root = findProjectRoot();
    const name = o.project ?? rootCommit(root);
    if (!name) {
      warn("this project has no git history to identify it by; name it with `team join URL --project NAME`.");
      return EXIT.usage;
    }
    let db: TeamDatabase;
    try {
      db = await TeamDatabase.connect(url);
    } catch (err) {
      warn(`cannot connect to ${maskUrl(url)}: ${maskError(err, url)}`);
      return EXIT.failed;
    }
    try {
      const version = await db.serverVersion();
      if (version.number < MIN_SERVER) {
        warn(`${version.text} is too old for team memory; PostgreSQL 12 or newer is needed.`);
        return EXIT.failed;
      }
      const project = openProject();
      try {
        const agent = project.resolveAgent(undefined, true);
        const blocks = project.store.blocks.list(agent.id);
        const shared = blocks.filter((b) => project.store.team.scopeOf(agent.id, b.label) === "shared").map((b) => b.label);
        const personal = blocks.filter((b) => !shared.includes(b.label)).map((b) => b.label);
        const { events, machines } = await db.counts(name).catch(() => ({ events: 0, machines: 0 }));
        out(`Server: ${maskUrl(url)} (${version.text})`);
        out(`Project: ${name}${o.project ? "" : " (the repository's root commit)"}${events ? ` — ${events} change(s) from ${machines} machine(s) already there` : ""}`);
        out(`Shared with everyone who can read this database: blocks ${shared.join(", ") || "(none)"}, ${project.store.passages.count(agent.id)} archival passage(s), and the history of their changes (with your user@host).`);
        out(`Stays on this machine: blocks ${personal.join(", ") || "(none)"}, conversations, checkpoints, config. \`memory edit LABEL --personal|--shared\` changes a block's scope.`);
        out("The database holds memory in plain text.");
        if (!o.yes) {
          const yes = await askYesNo("Share this project's memory with this database? [y/N] ");
          if (yes === undefined) {
            warn("nothing was changed: confirm with `letta-code team join URL --yes` (no terminal to ask on).");
            return EXIT.usage;
          }
          if (!yes) {
            out("Not joined; nothing changed.");
            return EXIT.ok;
          }
        }
        await db.migrate();
        saveTeamLink(root, { url, ...(o.project ? { project: o.project } : {}) });
        out(`Joined. The URL is kept in your own config, for this project only; \`letta-code team leave\` stops sharing.`);
        const sync = teamSyncFor(project, { url, project: name })!;
        out(describe(await sync.sync(db)));
        return EXIT.ok;
      } finally {
        project.close();
      }
    } finally {
      await db.close();
    }
  });
}

export function runTeamStatus(): Promise<number> {
  return guarded(async () => {
    const project = openProject();
    try {
      for (const l of teamStatusLines(project)) out(l);
      return EXIT.ok;
    } finally {
      project.close();
    }
  });
}

export function runTeamSync(): Promise<number> {
  return guarded(async () => {
    const project = openProject();
    try {
      const sync = teamSyncFor(project);
      if (!sync) {
        warn(project.config.team ? "no root commit to identify this project by; join again with --project NAME." : "this project has not joined a team; `letta-code team join URL` first.");
        return EXIT.usage;
      }
      out(describe(await sync.sync()));
      return EXIT.ok;
    } finally {
      project.close();
    }
  });
}

export function runTeamLeave(): Promise<number> {
  return guarded(async () => {
    const root = findProjectRoot();
    const had = removeTeamLink(root);
    out(had ? "Left the team: this project's memory is no longer shared; local memory stays." : "This project had not joined a team; nothing changed.");
    return EXIT.ok;
  });
}
