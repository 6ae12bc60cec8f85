import type { Command } from "commander";

export function registerScaleCommands(program: Command): void {
  const scale = program
    .command("scale")
    .description(
      "add or remove compute hosts of an installed cloud. Scale out: add hosts with the compute role to the inventory and run `rdoctl install` " +
        "(only the new hosts are prepared; Packstack reruns with the installed hosts in EXCLUDE_SERVERS). Scale in: remove them from the inventory and run `rdoctl scale in`",
    );
  scale
    .command("in")
    .description(
      "for each compute host installed but no longer in the inventory: disable and delete its nova-compute service and its placement resource provider through the API; " +
        "refuses (listing them) while servers still run there. Exit codes: 0 ok, 1 refused or failed, 2 usage",
    )
    .argument("<inventory>", "inventory (YAML) or topology module (.ts/.js), without the hosts to remove")
    .option("--json", "print the result as JSON")
    .action(async (inventory: string, flags: { json?: boolean }) => {
      const { runScaleIn } = await import("../../day2/scale-in.js");
      const result = await runScaleIn(inventory, { json: flags.json });
      if (flags.json) {
        const { writeEnvelope } = await import("../output.js");
        writeEnvelope("scale in", 0, [], { cloud: result.cloud, removed: result.removed });
      }
    });
}
