import type * as acp from "@agentclientprotocol/sdk";
import { alwaysEffect, type ApprovalRequest } from "../agent/approval.js";

/** The choices an editor shows for an approval; "always" is worded from what the runner will do. */
export function permissionOptions(req: ApprovalRequest): acp.PermissionOption[] {
  const always = alwaysEffect(req);
  return [
    { optionId: "allow_once", name: "Allow", kind: "allow_once" },
    {
      optionId: "allow_always",
      name: always.kind === "stop_sandboxing" ? "Allow, and stop sandboxing this session" : `Always allow ${always.rule}`,
      kind: "allow_always",
    },
    { optionId: "reject_once", name: "Reject", kind: "reject_once" },
  ];
}
