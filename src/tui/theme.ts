/**
 * Colours used by the TUI, in one place.
 *
 * Ink colours through chalk, and chalk 5 honours FORCE_COLOR but not NO_COLOR
 * (https://no-color.org), so every colour we pass to <Text color> goes through
 * `color()` which drops it when NO_COLOR is set. Bold/dim/inverse are not colours
 * and are kept.
 */
export type ColorName =
  | "red"
  | "green"
  | "yellow"
  | "blue"
  | "magenta"
  | "cyan"
  | "gray"
  | "white"
  | "greenBright"
  | "redBright"
  | "cyanBright";

export const noColor = (env: NodeJS.ProcessEnv = process.env): boolean =>
  env.NO_COLOR !== undefined && env.NO_COLOR !== "";

let disabled = noColor();

/** Tests flip this instead of mutating process.env between renders. */
export function setNoColor(value: boolean): void {
  disabled = value;
}

export function color(name: ColorName | undefined): ColorName | undefined {
  return disabled ? undefined : name;
}

/** Semantic roles, so a component says what a thing is rather than which colour it is. */
export const theme = {
  accent: "cyan",
  user: "blue",
  assistant: "white",
  tool: "magenta",
  ok: "green",
  error: "red",
  warn: "yellow",
  added: "green",
  removed: "red",
  hunk: "cyan",
  memory: "magenta",
  keyword: "magenta",
  string: "green",
  number: "yellow",
  comment: "gray",
  heading: "cyan",
  code: "yellow",
  link: "blue",
} as const satisfies Record<string, ColorName>;
