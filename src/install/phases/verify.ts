import { RdoctlError } from "../../errors";
import { hostForRole } from "../../topology/model";
import type { InstallContext } from "../context";
import { HostShell } from "../context";
import type { Step } from "../steps";
import { REMOTE_KEYSTONERC } from "./collect";

type Row = Record<string, unknown>;

/** Problems in the smoke-check listings; empty when the cloud looks healthy. */
export function judgeSmokeCheck(services: Row[], compute: Row[], agents: Row[]): string[] {
  const problems: string[] = [];
  if (services.length === 0) problems.push("`openstack service list` is empty");
  if (!services.some((s) => String(s.Type ?? s.type) === "identity")) problems.push("no identity (keystone) service registered");
  if (compute.length === 0) problems.push("`openstack compute service list` is empty");
  for (const c of compute) {
    const state = String(c.State ?? c.state ?? "").toLowerCase();
    const status = String(c.Status ?? c.status ?? "").toLowerCase();
    if (state !== "up" || status !== "enabled") problems.push(`compute service ${String(c.Binary)} on ${String(c.Host)} is ${state}/${status}`);
  }
  if (agents.length === 0) problems.push("`openstack network agent list` is empty");
  for (const a of agents) {
    const alive = a.Alive ?? a.alive;
    const up = a.State ?? a.state ?? a["Admin State"];
    const aliveOk = alive === true || alive === ":-)" || String(alive).toLowerCase() === "true";
    const upOk = up === true || String(up).toUpperCase() === "UP" || String(up).toLowerCase() === "true";
    if (!aliveOk || !upOk) problems.push(`network agent ${String(a["Agent Type"] ?? a.Binary)} on ${String(a.Host)} is alive=${String(alive)} state=${String(up)}`);
  }
  return problems;
}

/** Smoke check on the controller with the admin credentials Packstack wrote. */
export function verifySteps(ctx: InstallContext): Step[] {
  const controller = hostForRole(ctx.topology, "controller");
  const runId = ctx.journal.get("run", ctx.topology.deployer)?.facts?.runId ?? "unknown";
  return [
    {
      phase: "verify",
      host: controller.name,
      inputs: { runId },
      run: async () => {
        const sh = new HostShell(ctx, controller.name, "verify");
        const list = async (what: string): Promise<Row[]> => {
          const res = await sh.sh(`. ${REMOTE_KEYSTONERC} && openstack ${what} -f json`, { quiet: true, label: `openstack ${what}` });
          try {
            return JSON.parse(res.stdout) as Row[];
          } catch {
            throw new RdoctlError(`[${controller.name}] phase verify: \`openstack ${what} -f json\` did not print JSON: ${res.stdout.slice(0, 200)}`);
          }
        };
        // Packstack maps compute hosts to the cell in the controller's post manifest; a scale-out
        // excludes the controller, so the new hosts are mapped here (idempotent, as Packstack runs it).
        const discover = await sh.sh(
          "if command -v nova-manage >/dev/null 2>&1; then if id nova >/dev/null 2>&1; then su -s /bin/sh -c 'nova-manage cell_v2 discover_hosts --verbose' nova; else nova-manage cell_v2 discover_hosts --verbose; fi; else echo RDOCTL-NO-NOVA-MANAGE; fi",
          { quiet: true, label: "nova-manage cell_v2 discover_hosts" },
        );
        if (discover.stdout.includes("RDOCTL-NO-NOVA-MANAGE")) {
          ctx.emit({ type: "info", host: controller.name, message: "no nova-manage on the controller: new compute hosts are mapped to the cell only by the scheduler's periodic discovery, if configured" });
        }
        const services = await list("service list");
        const compute = await list("compute service list");
        const agents = await list("network agent list");
        const problems = judgeSmokeCheck(services, compute, agents);
        if (problems.length) throw new RdoctlError(`[${controller.name}] phase verify: the cloud is not healthy:\n  ${problems.join("\n  ")}`);
        ctx.emit({
          type: "info",
          host: controller.name,
          message: `verified: ${services.length} services, ${compute.length} compute services up, ${agents.length} network agents alive`,
        });
        return { services: String(services.length), compute: String(compute.length), agents: String(agents.length) };
      },
    },
  ];
}
