import { RdoctlError } from "../errors";
import { runDown, type DownOptions } from "../pipeline/down";
import { PipelineError } from "../pipeline/exit-codes";
import { loadTopology } from "../topology/load";
import type { Topology } from "../topology/model";

/**
 * `rdoctl destroy INVENTORY`: the teardown. The day-1 resources go through `rdoctl down`'s
 * machinery (the stacks' state listed, confirmation, cdktf's destroy in reverse dependency
 * order): there is one destroy path. Hosts: rdoctl removes only hosts it created, and it creates
 * none today — every host of an inventory is the operator's (a server, a VM, a lab host started
 * by `scripts/lab.mjs`), so each is named as kept before anything is removed. Nothing is ever
 * done to a host by this command; uninstalling OpenStack from a host is the operator's call.
 */

export type DestroyOptions = DownOptions;

/** What happens to each host, one line each, said before anything is removed. */
export function hostsStatement(topology: Topology): string[] {
  return topology.hosts.map(
    (h) => `host ${h.name} (${h.address}, ${h.roles.join(", ")}): kept — rdoctl did not create it, so destroy never touches it (its OpenStack stays installed)`,
  );
}

export async function runDestroy(inventory: string, options: DestroyOptions = {}): Promise<void> {
  let topology: Topology;
  try {
    topology = loadTopology(inventory);
  } catch (err) {
    if (err instanceof RdoctlError) throw new PipelineError("badInput", err.message, "validate");
    throw err;
  }
  const out = options.out ?? process.stdout;
  for (const line of hostsStatement(topology)) {
    out.write(options.json ? `${JSON.stringify({ type: "info", message: line })}\n` : `rdoctl destroy ${topology.name}: ${line}\n`);
  }
  await runDown(inventory, options);
}
