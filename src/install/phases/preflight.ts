import { RdoctlError } from "../../errors";
import type { InstallContext } from "../context";
import type { CheckFinding } from "../events";
import { hashInputs } from "../journal";
import { describeEndpoint, SshError, type HostConnection } from "../ssh";
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

/** How long a connection may take before rdoctl says it is still waiting for it. */
const SLOW_CONNECT_MS = 2000;

/**
 * Connects to every host at once, saying where each connection goes, when each one is up, and
 * which are still waiting (a silent host takes the whole connect timeout).
 */
async function connectWithProgress(ctx: InstallContext, names: readonly string[]): Promise<Map<string, HostConnection | SshError>> {
  const timeoutS = ctx.pool.connectTimeoutMs / 1000;
  const started = Date.now();
  const waiting = new Set(names);
  for (const name of names) {
    ctx.emit({ type: "step", phase: "preflight", host: name, status: "running", message: `connecting to ${describeEndpoint(ctx.pool.endpoint(name))}` });
  }
  const slow = setTimeout(() => {
    for (const name of waiting) ctx.emit({ type: "info", host: name, message: `still connecting after ${SLOW_CONNECT_MS / 1000} s (gives up after ${timeoutS} s: --connect-timeout)` });
  }, SLOW_CONNECT_MS);
  try {
    return await ctx.pool.connectAll(names, (name, result) => {
      waiting.delete(name);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (!(result instanceof SshError)) ctx.emit({ type: "info", host: name, message: `connected in ${seconds} s` });
      else ctx.emit({ type: "info", host: name, message: `cannot connect (${result.kind}) after ${seconds} s` });
    });
  } finally {
    clearTimeout(slow);
  }
}

/**
 * Changes nothing anywhere. Connects to every host first (so all unreachable hosts, auth and
 * host key problems show at once), then reads each host's facts with one command and judges
 * them; every finding is reported before failing.
 */
export async function runPreflight(ctx: InstallContext): Promise<void> {
  ctx.emit({ type: "phase", phase: "preflight", status: "start" });
  const names = ctx.topology.hosts.map((h) => h.name);
  const connections = await connectWithProgress(ctx, names);
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
  for (const name of names) {
    const failed = findings.some((f) => f.host === name && f.level === "error");
    ctx.emit({ type: "step", phase: "preflight", host: name, status: failed ? "failed" : "done" });
  }
  const errors = findings.filter((f) => f.level === "error");
  if (errors.length) {
    ctx.emit({ type: "phase", phase: "preflight", status: "failed" });
    throw new PreflightFailedError(errors);
  }
  ctx.emit({ type: "phase", phase: "preflight", status: "done" });
}
