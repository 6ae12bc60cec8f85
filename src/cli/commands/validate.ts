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
      // The answer writer's checks too (loadCloud), so validate never passes what answers refuses.
      const { loadCloud } = await import("../../packstack/answers.js");
      const { InventoryError } = await import("../../topology/issues.js");
      const { hostForRole, releaseNamed, releaseNamesList } = await import("../../topology/model.js");
      const { RdoctlError } = await import("../../errors.js");
      const { inventoryIssues, plural, writeEnvelope } = await import("../output.js");
      const release = options.release === undefined ? undefined : releaseNamed(options.release);
      if (options.release !== undefined && release === undefined) {
        throw new RdoctlError(`--release ${options.release}: not a release rdoctl supports (${releaseNamesList()})`, 2, "usage");
      }
      try {
        const topology = loadCloud(inventory, release ? { release } : {});
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
          writeEnvelope("validate", 0, [], { file: inventory, valid: true, summary });
        } else {
          const external = ext ? `, external network ${ext.cidr} on ${ext.bridge}` : "";
          process.stdout.write(
            `${inventory}: valid: cloud ${topology.name}, release ${topology.release}, ${plural(summary.hosts, "host")}, controller ${controller.name}, ${summary.l2Agent}${external}\n`,
          );
        }
      } catch (err) {
        if (!(err instanceof InventoryError)) throw err;
        const issues = inventoryIssues(err)!;
        process.stderr.write(`${err.message}\nrdoctl: ${inventory}: ${plural(issues.length, "problem")}\n`);
        if (options.json) writeEnvelope("validate", 1, issues, { file: inventory, valid: false });
        process.exitCode = 1;
      }
    });
}
