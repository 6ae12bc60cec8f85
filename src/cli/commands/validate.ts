import type { Command } from "commander";

interface ValidateOptions {
  readonly json?: boolean;
  readonly release?: string;
}

export function registerValidateCommand(program: Command): void {
  program
    .command("validate")
    .description("check an inventory or topology module: schema, defaults and cross-field rules; every problem with file:line:column")
    .argument("<inventory>", "inventory (YAML) or topology module (.ts/.js)")
    .option("--json", "print the result as JSON on stdout")
    .option("--release <release>", "check against this release instead of the inventory's (e.g. before an upgrade)")
    .action(async (inventory: string, options: ValidateOptions) => {
      const { loadTopology } = await import("../../topology/load.js");
      const { InventoryError } = await import("../../topology/issues.js");
      const { hostForRole, RELEASES } = await import("../../topology/model.js");
      const { RdoctlError } = await import("../../errors.js");
      const release = RELEASES.find((r) => r === options.release);
      if (options.release !== undefined && release === undefined) {
        throw new RdoctlError(`--release ${options.release}: not a release rdoctl supports (${RELEASES.join(", ")})`, 2);
      }
      try {
        const topology = loadTopology(inventory, release ? { release } : {});
        const controller = hostForRole(topology, "controller");
        const ext = topology.externalNetwork;
        const summary = {
          name: topology.name,
          release: topology.release,
          hosts: topology.hosts.length,
          controller: controller.name,
          deployer: topology.deployer,
          l2Agent: topology.services.neutron.l2Agent,
          externalNetwork: ext?.cidr ?? null,
        };
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ file: inventory, valid: true, summary }, null, 2)}\n`);
        } else {
          const hosts = `${summary.hosts} host${summary.hosts === 1 ? "" : "s"}`;
          const external = ext ? `, external network ${ext.cidr} on ${ext.bridge}` : "";
          process.stdout.write(`${inventory}: valid: cloud ${topology.name}, release ${topology.release}, ${hosts}, controller ${controller.name}, ${summary.l2Agent}${external}\n`);
        }
      } catch (err) {
        if (!(err instanceof InventoryError)) throw err;
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ file: inventory, valid: false, issues: err.issues }, null, 2)}\n`);
        } else {
          const count = err.issues.length;
          process.stderr.write(`${err.message}\nrdoctl: ${inventory}: ${count} problem${count === 1 ? "" : "s"}\n`);
        }
        process.exitCode = 1;
      }
    });
}
