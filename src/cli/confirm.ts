import { createInterface } from "node:readline/promises";

/**
 * Ask a y/N question on the terminal. true / false: the user's answer (only y or yes is a yes);
 * undefined: there is no terminal to ask on, so the caller says how to confirm without one. The
 * question goes to stdout, or to `on` (stderr, when stdout carries output a script reads), which must
 * then be a terminal too.
 */
export async function askYesNo(question: string, on?: NodeJS.WriteStream): Promise<boolean | undefined> {
  if (!process.stdin.isTTY || (on && !on.isTTY)) return undefined;
  const rl = createInterface({ input: process.stdin, output: on ?? process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
