import React from "react";
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "ink-testing-library";
import { McpApprovalPrompt } from "../../src/tui/mcp-approval.js";

afterEach(() => cleanup());

describe("the MCP approval prompt", () => {
  it("names each variable of the user's the server would receive, and where, without its value", () => {
    process.env.LETTA_TEST_SECRET_TOKEN = "super-secret-value";
    delete process.env.LETTA_TEST_UNSET;
    try {
      const config = {
        command: "npx",
        args: ["-y", "some-server", "--key=${LETTA_TEST_SECRET_TOKEN}"],
        env: { API: "${LETTA_TEST_SECRET_TOKEN}", OTHER: "${LETTA_TEST_UNSET:-x}" },
      };
      const { lastFrame } = render(<McpApprovalPrompt server={{ name: "repo", config }} onAnswer={() => undefined} />);
      const frame = lastFrame() ?? "";
      expect(frame).toContain("It receives these variables of yours:");
      expect(frame).toMatch(/LETTA_TEST_SECRET_TOKEN=•••• → args, env API/);
      expect(frame).toMatch(/LETTA_TEST_UNSET \(not set\) → env OTHER/);
      expect(frame).not.toContain("super-secret-value");
    } finally {
      delete process.env.LETTA_TEST_SECRET_TOKEN;
    }
  });

  it("for an HTTP server, the variables in its url and headers", () => {
    process.env.LETTA_TEST_HOST = "mcp.example.com";
    try {
      const config = { type: "http" as const, url: "https://${LETTA_TEST_HOST}/mcp", headers: { Authorization: "Bearer ${LETTA_TEST_BEARER}" } };
      const frame = render(<McpApprovalPrompt server={{ name: "web", config }} onAnswer={() => undefined} />).lastFrame() ?? "";
      expect(frame).toMatch(/LETTA_TEST_BEARER \(not set\) → header Authorization/);
      expect(frame).toMatch(/LETTA_TEST_HOST=•••• → url/);
    } finally {
      delete process.env.LETTA_TEST_HOST;
    }
  });
});
