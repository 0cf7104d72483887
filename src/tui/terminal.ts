/** Terminal size as React state, updated on the stdout 'resize' event. */
import { useEffect, useState } from "react";
import { useStdout } from "ink";
import { terminalSize, type TermSize } from "./terminal-size.js";

export function useTerminalSize(): TermSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => terminalSize(stdout));
  useEffect(() => {
    const onResize = () =>
      setSize((prev) => {
        const next = terminalSize(stdout);
        return next.columns === prev.columns && next.rows === prev.rows ? prev : next;
      });
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
  return size;
}

/** Clear screen and scrollback, cursor home. */
export const CLEAR_SCREEN = "\u001b[2J\u001b[3J\u001b[H";
