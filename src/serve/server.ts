import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Project } from "../agent/open-project.js";
import { authorized, hostAllowed } from "./auth.js";
import { readJson } from "./body.js";
import type { ServeContext } from "./context.js";
import { HttpError, sendError, sendJson } from "./errors.js";
import { Router, type RouteRequest } from "./router.js";
import { agentRoutes } from "./routes/agents.js";
import { archivalRoutes } from "./routes/archival.js";
import { blockRoutes } from "./routes/blocks.js";
import { healthRoutes } from "./routes/health.js";
import { messageRoutes } from "./routes/messages.js";
import { Turns, type TurnsOptions } from "./turns.js";
import type { AnyTool } from "../tools/index.js";

export interface ServerOptions extends TurnsOptions {
  port: number;
  host: string;
  token: string;
  /** The one origin browsers may call from; none: no CORS headers at all. */
  cors?: string;
  bodyLimit: number;
  version: string;
  /** The tools served agents have, for the agent state the API returns. */
  servedTools: AnyTool[];
  /** One line per request (method, path, status, time), and failures worth a look. */
  log: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stop accepting, cancel running turns (what they did is stored), end sessions, close connections. */
  close(): Promise<void>;
}

export function buildRouter(ctx: ServeContext, version: string): Router {
  const router = new Router();
  healthRoutes(router, version);
  agentRoutes(router, ctx);
  blockRoutes(router, ctx);
  archivalRoutes(router, ctx);
  messageRoutes(router, ctx);
  return router;
}

/** `letta-code serve`'s HTTP face over one project's agents: auth, Host check, CORS, routing, errors. */
export async function startServer(project: Project, opts: ServerOptions): Promise<RunningServer> {
  const turns = new Turns(project, opts);
  const ctx: ServeContext = { project, turns, tools: opts.servedTools };
  const router = buildRouter(ctx, opts.version);
  let port = opts.port;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    res.once("finish", () => opts.log(`${method} ${url.pathname} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`));
    res.once("close", () => {
      if (!res.writableFinished) opts.log(`${method} ${url.pathname} ${res.statusCode} closed by the client after ${(performance.now() - started).toFixed(1)}ms`);
    });
    try {
      if (!hostAllowed(req.headers.host, opts.host, port)) throw new HttpError(403, `Host header ${JSON.stringify(req.headers.host ?? "")} does not name this server`);
      const origin = req.headers.origin;
      if (opts.cors && origin === opts.cors) {
        res.setHeader("access-control-allow-origin", opts.cors);
        res.setHeader("vary", "origin");
        if (method === "OPTIONS") {
          res.writeHead(204, {
            "access-control-allow-methods": "GET, POST, PATCH, DELETE",
            "access-control-allow-headers": "authorization, content-type, x-letta-code-reason",
            "access-control-max-age": "600",
          });
          res.end();
          return;
        }
      }
      if (!authorized(req.headers.authorization, opts.token)) {
        throw new HttpError(401, "missing or wrong token: send Authorization: Bearer <token> (see `letta-code serve --help`)", undefined, { "www-authenticate": "Bearer" });
      }
      const found = router.match(method, url.pathname);
      if (!("handler" in found)) {
        if (found.allowed.length) throw new HttpError(405, `${method} ${url.pathname} is not allowed; use ${found.allowed.join(", ")}`, undefined, { allow: found.allowed.join(", ") });
        throw new HttpError(404, `${method} ${url.pathname} is not supported by this server (letta-code serve serves agents, core memory, archival memory and messages; see its README)`);
      }
      let body: Promise<unknown> | undefined;
      const r: RouteRequest = { req, res, params: found.params, query: url.searchParams, body: () => (body ??= readJson(req, opts.bodyLimit)) };
      const result = await found.handler(r);
      if (!res.headersSent) sendJson(res, 200, result ?? null);
    } catch (err) {
      if (res.headersSent) {
        opts.log(`${method} ${url.pathname}: ${(err as Error).message}`);
        res.destroy();
        return;
      }
      if (err instanceof HttpError) return sendError(res, err);
      opts.log(`${method} ${url.pathname} failed: ${(err as Error)?.stack ?? String(err)}`);
      sendError(res, new HttpError(500, "internal server error (logged by the server)"));
    }
  };

  const server: Server = createServer({ keepAliveTimeout: 5000 }, (req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shown = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}`,
    port,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((r) => server.close(() => r()));
        await turns.shutdown();
        server.closeIdleConnections();
        // Streams of cancelled turns have ended by now; whatever is left is a client holding a socket open.
        setTimeout(() => server.closeAllConnections(), 1000).unref();
        await stopped;
      })()),
  };
}
