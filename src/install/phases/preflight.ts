import { RdoctlError } from "../../errors";
import type { InstallContext } from "../context";
import type { CheckFinding } from "../events";
import { hashInputs } from "../journal";
import { SshError } from "../ssh";
import { evaluateHost, factsScript, namesToResolve, parseFacts } from "./preflight-checks";

/** Preflight found problems; every one of them is in the message. */
export class PreflightFailedError extends RdoctlError {
  constructor(readonly findings: readonly CheckFinding[]) {
    super(
      `preflight failed (nothing was changed on any host):\n` +
        findings.map((f) => `  [${f.host}] ${f.check}: ${f.message}${f.hint ? ` (${f.hint})` : ""}`).join("\n"),
    );
    this.name = "PreflightFailedError";
  }
}

export function preflightInputs(ctx: InstallContext, hostName: string): unknown {
  const host = ctx.topology.hosts.find((h) => h.name === hostName)!;
  return { release: ctx.topology.release, host, names: namesToResolve(ctx.topology), libvirt: ctx.topology.services.nova.libvirtType };
}

/**
 * Changes nothing anywhere. Connects to every host first (so all unreachable hosts, auth and
 * host key problems show at once), then reads each host's facts with one command and judges
 * them; every finding is reported before failing.
 */
export async function runPreflight(ctx: InstallContext): Promise<void> {
  ctx.emit({ type: "phase", phase: "preflight", status: "start" });
  const names = ctx.topology.hosts.map((h) => h.name);
  const connections = await ctx.pool.connectAll(names);
  const findings: CheckFinding[] = [];
  for (const [host, result] of connections) {
    if (result instanceof SshError) {
      findings.push({ host, check: `ssh (${result.kind})`, level: "error", message: result.detail });
    } else {
      const how = result.hostKeyVerdict.status === "accepted-new" ? `accepted new key ${result.hostKey.fingerprint}, recorded` : `host key ${result.hostKey.fingerprint} verified`;
      findings.push({ host, check: "ssh", level: "ok", message: how });
    }
  }
  const reachable = names.filter((h) => !(connections.get(h) instanceof SshError));
  const script = factsScript(namesToResolve(ctx.topology));
  await Promise.all(
    reachable.map(async (name) => {
      const host = ctx.topology.hosts.find((h) => h.name === name)!;
      try {
        const conn = await ctx.pool.get(name);
        const res = await conn.exec(script, { phase: "preflight", label: "read host facts", check: false });
        findings.push(...evaluateHost(ctx.topology, host, parseFacts(res.stdout), Math.floor(Date.now() / 1000)));
      } catch (err) {
        findings.push({ host: name, check: "facts", level: "error", message: (err as Error).message });
      }
    }),
  );
  const order = new Map(names.map((n, i) => [n, i]));
  findings.sort((a, b) => (order.get(a.host) ?? 0) - (order.get(b.host) ?? 0));
  for (const f of findings) ctx.emit({ type: "check", ...f });
  for (const name of names) {
    const hash = hashInputs({ phase: "preflight", host: name, inputs: preflightInputs(ctx, name) });
    const errors = findings.filter((f) => f.host === name && f.level === "error");
    if (errors.length) ctx.journal.fail("preflight", name, hash, ctx.redactor.redact(errors.map((e) => `${e.check}: ${e.message}`).join("; ")));
    else ctx.journal.finish("preflight", name, hash);
  }
  const errors = findings.filter((f) => f.level === "error");
  if (errors.length) {
    ctx.emit({ type: "phase", phase: "preflight", status: "failed" });
    throw new PreflightFailedError(errors);
  }
  ctx.emit({ type: "phase", phase: "preflight", status: "done" });
}
