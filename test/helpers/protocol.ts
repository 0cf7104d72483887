import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";

const schema = JSON.parse(readFileSync(new URL("../../schema/events.schema.json", import.meta.url), "utf8")) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: false, strict: false });
const validateOutput = ajv.compile(schema);
const validateInput = ajv.compile({ ...(schema.$defs as { input: object }).input, $id: "urn:letta-code:input" });

/** Why this object is not a valid output line of the published schema, or undefined when it is. */
export function outputLineProblem(o: unknown): string | undefined {
  return validateOutput(o) ? undefined : ajv.errorsText(validateOutput.errors);
}

export function inputLineProblem(o: unknown): string | undefined {
  return validateInput(o) ? undefined : ajv.errorsText(validateInput.errors);
}

/**
 * Every line of a stream-json run must validate against schema/events.schema.json, with seq rising
 * within each session: the e2e helper calls this on each run, so every e2e test checks the protocol.
 */
export function checkStreamJson(stdout: string): void {
  const last = new Map<string, number>();
  for (const [i, text] of stdout.split("\n").entries()) {
    if (!text.trim()) continue;
    let o: { session_id?: string; seq?: number };
    try {
      o = JSON.parse(text);
    } catch {
      throw new Error(`stream-json line ${i + 1} is not JSON: ${text.slice(0, 200)}`);
    }
    const problem = outputLineProblem(o);
    if (problem) throw new Error(`stream-json line ${i + 1} breaks the published schema (${problem}): ${text.slice(0, 300)}`);
    const prev = last.get(o.session_id!);
    if (prev !== undefined && o.seq! <= prev) throw new Error(`stream-json line ${i + 1}: seq ${o.seq} after ${prev}`);
    last.set(o.session_id!, o.seq!);
  }
}
