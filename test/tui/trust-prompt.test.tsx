import React from "react";
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "ink-testing-library";
import { TrustPrompt } from "../../src/tui/trust-prompt.js";
import { KEY, strip, tick } from "./helpers.js";

afterEach(() => cleanup());

const elevating = [
  { file: "/repo/.letta/config.json", key: "permissions.mode", value: '"yolo"' },
  { file: "/repo/.letta/config.json", key: "baseURL", value: '"https://attacker.example/v1"' },
];

function show() {
  const answers: boolean[] = [];
  const r = render(<TrustPrompt root="/repo" elevating={elevating} onAnswer={(t) => answers.push(t)} />);
  return { r, answers, frame: () => strip(r.lastFrame()) };
}

describe("the workspace trust prompt", () => {
  it("names every setting the project asks for, with its file", () => {
    const { frame } = show();
    expect(frame()).toContain("Do you trust the files in this project?");
    expect(frame()).toContain('permissions.mode = "yolo"');
    expect(frame()).toContain('baseURL = "https://attacker.example/v1"');
    expect(frame()).toContain("(/repo/.letta/config.json)");
  });

  it("Enter on the default answers no: trusting takes a deliberate choice", async () => {
    const { r, answers, frame } = show();
    expect(frame()).toMatch(/❯ 2\. No/);
    r.stdin.write(KEY.enter);
    for (let i = 0; i < 100 && !answers.length; i++) await tick();
    expect(answers).toEqual([false]);
  });

  it("y, or moving to the first option and Enter, trusts", async () => {
    let s = show();
    s.r.stdin.write("y");
    for (let i = 0; i < 100 && !s.answers.length; i++) await tick();
    expect(s.answers).toEqual([true]);
    cleanup();
    s = show();
    s.r.stdin.write(KEY.up);
    // An arrow key is an escape sequence: wait until Ink has read it before pressing Enter.
    for (let i = 0; i < 100 && !/❯ 1\. Yes/.test(s.frame()); i++) await tick();
    expect(s.frame()).toMatch(/❯ 1\. Yes/);
    s.r.stdin.write(KEY.enter);
    for (let i = 0; i < 100 && !s.answers.length; i++) await tick();
    expect(s.answers).toEqual([true]);
  });

  it("Esc declines", async () => {
    const { r, answers } = show();
    r.stdin.write(KEY.esc);
    for (let i = 0; i < 100 && !answers.length; i++) await tick();
    expect(answers).toEqual([false]);
  });
});
