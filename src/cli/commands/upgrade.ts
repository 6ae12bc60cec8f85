import type { Command } from "commander";

export function registerUpgradeCommands(program: Command): void {
  const upgrade = program.command("upgrade").description("move an installed cloud to a newer RDO release");
  upgrade
    .command("plan")
    .description(
      "for this cloud's topology: the answer-file changes, keys renamed, what the inventory uses that the new release refuses, the repository change and the ordered steps RDO documents; " +
        "refuses an upgrade path RDO does not support, with the reason. Contacts nothing. Exit codes: 0 plan shown, 1 refused or blocked (the inventory uses what the new release refuses; the plan is still shown), 2 usage",
    )
    .argument("<inventory>", "inventory (YAML) or topology module (.ts/.js)")
    .requiredOption("--to <release>", "the release to upgrade to (version or codename, e.g. 2025.1 or epoxy)")
    .option("--json", "print the plan as JSON")
    .action(async (inventory: string, flags: { to: string; json?: boolean }) => {
      const [{ parseRelease }, { loadTopology }, { planUpgrade, formatUpgradePlan }] = await Promise.all([
        import("../../packstack/catalog.js"),
        import("../../topology/load.js"),
        import("../../day2/upgrade-plan.js"),
      ]);
      const to = parseRelease(flags.to);
      const plan = planUpgrade(loadTopology(inventory), to);
      // Blockers: the plan is shown, but the inventory must change first (exit 1, like a refusal).
      const exitCode = plan.blockers.length ? 1 : 0;
      if (exitCode) process.exitCode = exitCode;
      if (flags.json) {
        const { writeEnvelope } = await import("../output.js");
        const issues = plan.blockers.map((b) => ({ rule: "upgrade-blocker", severity: "error" as const, path: b.path, message: b.message }));
        writeEnvelope("upgrade plan", exitCode, issues, { plan });
      } else process.stdout.write(formatUpgradePlan(plan));
    });
}
