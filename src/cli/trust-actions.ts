import { askYesNo } from "./confirm.js";
import { findProjectRoot } from "../config/project.js";
import { ConfigError, resolveConfig } from "../config/config.js";
import { isTrusted, revokeTrust, setTrust, TrustRecordError } from "../trust/record.js";
import { describeElevating } from "../trust/project-settings.js";
import { EXIT } from "./headless.js";

export async function runTrust(o: { yes?: boolean; revoke?: boolean; status?: boolean }): Promise<number> {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const warn = (s: string) => process.stderr.write(`letta-code: ${s}\n`);
  if ([o.yes, o.revoke, o.status].filter(Boolean).length > 1) {
    warn("give one of --yes, --revoke and --status.");
    return EXIT.usage;
  }
  const root = findProjectRoot();
  try {
    if (o.revoke) {
      out(revokeTrust(root) ? `Trust revoked for ${root}: its elevating settings no longer apply.` : `${root} was not trusted; nothing changed.`);
      return EXIT.ok;
    }
    const { elevating } = resolveConfig({ projectRoot: root, trusted: false }).trust;
    const trusted = isTrusted(root);
    out(`Project: ${root}`);
    out(describeElevating(elevating));
    if (o.status) {
      out(trusted ? "Status: trusted." : "Status: not trusted (run `letta-code trust` to trust it).");
      return EXIT.ok;
    }
    if (trusted) {
      out("Already trusted. `letta-code trust --revoke` takes it back.");
      return EXIT.ok;
    }
    if (!o.yes) {
      const yes = await askYesNo("Trust this project? Only do so if you trust its authors. [y/N] ");
      if (yes === undefined) {
        warn("nothing was changed: confirm with `letta-code trust --yes` (no terminal to ask on).");
        return EXIT.usage;
      }
      if (!yes) {
        out("Not trusted; nothing changed.");
        return EXIT.ok;
      }
    }
    setTrust(root, "trusted");
    out(`Trusted ${root}. \`letta-code trust --revoke\` takes it back.`);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof ConfigError) {
      warn(err.message);
      return EXIT.usage;
    }
    if (err instanceof TrustRecordError) {
      warn(err.message);
      return EXIT.failed;
    }
    throw err;
  }
}
