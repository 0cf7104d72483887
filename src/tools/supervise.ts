/**
 * Parent-death guarantee for unsandboxed commands. A sandboxed command dies with letta-code through
 * bwrap's --die-with-parent and its own PID namespace; a plain `bash -c` would outlive a `kill -9`
 * of letta-code, and so would everything it started.
 *
 * So the command runs under a few lines of bash that lead its process group. letta-code holds the
 * write end of a pipe on the supervisor's stdin and never writes to it; a background watcher
 * blocks reading it. The kernel closes that pipe however letta-code dies, the read returns, and the
 * watcher kills the whole process group (grandchildren included). When the command finishes
 * normally the supervisor stops the watcher and exits with the command's status. Cost: one fork for
 * the watcher and one more bash exec (bench/sandbox.js measures it). A process that leaves the group
 * (setsid, daemons) is beyond it, as it is beyond a timeout's kill. It must be spawned as its own
 * process group (detached): `kill 0` is the group it is in.
 */
const SUPERVISOR = [
  // The lifeline moves to fd 3; the command gets an empty stdin, as before.
  "exec 3<&0 </dev/null",
  // Nothing is ever written, so read returns only at EOF: letta-code is gone.
  "(read -r -u 3 _; kill -KILL 0) >/dev/null 2>&1 &",
  "watcher=$!",
  "exec 3<&-",
  'bash -c "$1"',
  "status=$?",
  "kill $watcher 2>/dev/null",
  "exit $status",
].join("\n");

/** argv (after `bash`) running `command` under the supervisor; spawn it detached with stdin a pipe that stays open. */
export function supervisedArgs(command: string): string[] {
  return ["-c", SUPERVISOR, "letta-supervisor", command];
}
