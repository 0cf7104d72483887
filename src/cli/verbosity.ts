/**
 * Whether the user asked for diagnostics (--verbose / --debug), for the subcommands that open a project
 * without the top-level options in hand. Set once by main.ts before any action runs.
 */
let verbose = false;

export function setVerbose(v: boolean): void {
  verbose = v;
}

/** What a command outside the TUI leaves unsaid unless asked (see OpenProjectOptions.quietNotices). */
export function quietNotices(): { ignoredSettings: boolean; embeddingOffline: boolean } {
  return { ignoredSettings: !verbose, embeddingOffline: !verbose };
}
