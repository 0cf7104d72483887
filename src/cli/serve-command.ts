import { InvalidArgumentError, type Command } from "commander";
import type { ConfigLayer } from "../config/config.js";
import { positiveInt } from "./program.js";

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("--port must be a port number (0-65535; 0 picks a free one).");
  return n;
};

/**
 * `letta-code serve`: the Letta REST API over this project's agents. Model and permission options are
 * the root program's, before or after the subcommand; the server is imported only here.
 */
export function attachServeCommand(program: Command, flags: () => ConfigLayer, setCode: (code: number) => void): void {
  program
    .command("serve")
    .description("serve this project's agents over the Letta API, for the official Letta clients (see README: Letta API server)")
    .option("--port <port>", "port to listen on (default 8283; 0 = any free port)", port)
    .option("--host <address>", "address to bind (default 127.0.0.1; anything else must be given here)")
    .option("--token <token>", "the bearer token clients send (default: LETTA_CODE_SERVER_TOKEN, else one generated and stored)")
    .option("--cors <origin>", "let browser pages from this one origin call the API (default: no CORS)")
    .option("--max-body <bytes>", "largest request body accepted (default 1048576)", positiveInt("--max-body"))
    .option("--approval-timeout <seconds>", "refuse a tool call nobody approved after this long (default 600)", positiveInt("--approval-timeout"))
    .action(async (opts: { port?: number; host?: string; token?: string; cors?: string; maxBody?: number; approvalTimeout?: number }) => {
      const { runServe } = await import("../serve/run.js");
      setCode(await runServe(flags(), opts));
    });
}
