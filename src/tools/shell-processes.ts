/**
 * One session's shell bookkeeping: the process groups its commands still run (killed when the
 * session closes, or when letta-code exits: a detached group outlives its parent otherwise) and
 * the one-time notices it already gave. Owned by a session, so two sessions in one process neither
 * kill each other's commands nor swallow each other's notices.
 */
export class ShellProcesses {
  private groups = new Set<number>();
  private notices = new Set<string>();
  private onExit = () => this.killAll("SIGKILL");
  private hooked = false;

  track(pgid: number): void {
    if (!this.hooked) {
      this.hooked = true;
      process.on("exit", this.onExit);
    }
    this.groups.add(pgid);
  }

  untrack(pgid: number): void {
    this.groups.delete(pgid);
  }

  get live(): number {
    return this.groups.size;
  }

  /** True the first time `key` is asked about in this session. */
  firstNotice(key: string): boolean {
    if (this.notices.has(key)) return false;
    this.notices.add(key);
    return true;
  }

  killAll(signal: NodeJS.Signals): void {
    for (const g of this.groups) killGroup(g, signal);
  }

  /** The session ends: its commands go with it. */
  close(): void {
    this.killAll("SIGKILL");
    this.groups.clear();
    if (this.hooked) process.off("exit", this.onExit);
    this.hooked = false;
  }
}

export function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
