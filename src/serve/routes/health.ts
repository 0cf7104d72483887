import type { Router } from "../router.js";

export function healthRoutes(router: Router, version: string): void {
  router.add("GET", "/v1/health", () => ({ status: "ok", version }));
}
