/** Rendering the App under ink-testing-library, plus key codes and waiting helpers. */
import { EventEmitter } from "node:events";
import chalk from "chalk";
import { afterEach, beforeEach } from "vitest";
import React from "react";
import { render } from "ink-testing-library";
import { App, type TuiOptions } from "../../src/tui/app.js";
import { InputHistory } from "../../src/tui/history.js";
import type { FakeSession } from "./fake-session.js";

export const KEY = {
  enter: "\r",
  esc: "\u001b",
  up: "\u001b[A",
  down: "\u001b[B",
  right: "\u001b[C",
  left: "\u001b[D",
  shiftTab: "\u001b[Z",
  tab: "\t",
  backspace: "\u007f",
  ctrlA: "\u0001",
  ctrlC: "\u0003",
  ctrlE: "\u0005",
  ctrlJ: "\n",
  ctrlK: "\u000b",
  ctrlL: "\u000c",
  ctrlO: "\u000f",
  ctrlU: "\u0015",
  ctrlW: "\u0017",
  altEnter: "\u001b\r",
};

/** A terminal as runTui sees its stdout: a TTY of a size, whose output is kept. */
export class TtyOut extends EventEmitter {
  isTTY = true;
  columns = 80;
  rows = 24;
  out = "";
  write(s: string) {
    this.out += s;
    return true;
  }
}

/**
 * What a terminal shows for a string: each character with the style SGR left it in, a marker where
 * the style changes. Two strings that differ only in how they spell their escapes (Ink merges the
 * codes of neighbouring spans) come out the same; other control sequences show nothing.
 */
export function shown(text: string): string {
  const st = { b: false, d: false, i: false, u: false, v: false, s: false, fg: "" };
  let out = "";
  let last = JSON.stringify(st);
  const re = /\u001b\[([0-9;?]*)([@-~])|\u001b\][^\u0007]*\u0007|([^\u001b])/gu;
  for (const m of text.matchAll(re)) {
    if (m[2] === "m") {
      for (const code of (m[1] || "0").split(";").map(Number)) {
        if (code === 0) Object.assign(st, { b: false, d: false, i: false, u: false, v: false, s: false, fg: "" });
        else if (code === 1) st.b = true;
        else if (code === 2) st.d = true;
        else if (code === 22) st.b = st.d = false;
        else if (code === 3 || code === 23) st.i = code === 3;
        else if (code === 4 || code === 24) st.u = code === 4;
        else if (code === 7 || code === 27) st.v = code === 7;
        else if (code === 9 || code === 29) st.s = code === 9;
        else if (code === 39) st.fg = "";
        else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) st.fg = String(code);
      }
    } else if (m[3] !== undefined) {
      const now = JSON.stringify(st);
      if (m[3] !== "\n" && now !== last) {
        out += `{${now}}`;
        last = now;
      }
      out += m[3];
    }
  }
  return out;
}

/** Colours on for the file's tests, as in a terminal: Ink and the printed rows share chalk, so both see this level. */
export function coloursOn(): void {
  let level: typeof chalk.level;
  beforeEach(() => {
    level = chalk.level;
    chalk.level = 3;
  });
  afterEach(() => {
    chalk.level = level;
  });
}

export const tick = (ms = 15) => new Promise((r) => setTimeout(r, ms));

// eslint-disable-next-line no-control-regex
export const strip = (s: string | undefined) => (s ?? "").replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "");

export function renderApp(session: FakeSession, options: TuiOptions = {}, history = new InputHistory()) {
  const exits: number[] = [];
  const r = render(<App session={session} options={options} history={history} onExit={(c) => exits.push(c)} />);
  const frame = () => strip(r.lastFrame());
  /** Write a chunk, then let Ink and React settle. Text and Enter must be separate writes. */
  const press = async (data: string, wait = 15) => {
    r.stdin.write(data);
    await tick(wait);
  };
  /** Type text, then press Enter (as two writes, like a terminal). */
  const submit = async (text: string) => {
    await press(text);
    await press(KEY.enter, 30);
  };
  /** Poll until the frame satisfies `pred` (or fail with the last frame). */
  const waitFor = async (pred: (f: string) => boolean, timeout = 3000) => {
    const start = Date.now();
    while (Date.now() - start < timeout) {
      if (pred(frame())) {
        await tick(20); // let effects (input subscriptions) of the new frame run
        return frame();
      }
      await tick(10);
    }
    throw new Error(`timed out; last frame:\n${frame()}`);
  };
  const setSize = (columns: number, rows: number) => {
    Object.defineProperty(r.stdout, "columns", { value: columns, configurable: true });
    Object.defineProperty(r.stdout, "rows", { value: rows, configurable: true });
    r.stdout.emit("resize");
  };
  return { ...r, frame, press, submit, waitFor, exits, setSize, history };
}
