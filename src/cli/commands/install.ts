import type { Command } from "commander";
// Type-only: erased at runtime, so this module still loads nothing but commander.
import type { InstallCommandOptions } from "../../install/cli-run";

export function registerInstallCommands(program: Command): void {
  const install = program
    .command("install")
    .description(
      "install RDO over SSH: preflight, prepare, deployer, answers, run (Packstack, detached), collect, verify; " +
        "a rerun skips what is done. Exit codes: 0 ok, 1 failure (diagnosis printed), 2 usage, 130 interrupted; with --json the last NDJSON line is the result",
    )
    .argument("<inventory>", "inventory (YAML) or topology module (.ts/.js)")
    .option("--from <phase>", "force this phase and every later one (preflight, prepare, deployer, answers, run, collect, verify)")
    .option("--only <phase>", "run only this phase (forced)")
    .option("--accept-new-host-keys", "accept and record host keys not seen before (changed keys are always refused)")
    .option("--parallel <n>", "hosts worked on at once (default 10)")
    .option("--json", "one JSON event per line (NDJSON) on stdout")
    .option("--dry-run", "print the plan and change nothing: how each host is reached, repositories and packages, answer-file changes, what runs where")
    .option("--reconnect-timeout <seconds>", "how long to keep reconnecting to the deployer during Packstack (default 600)")
    .option("--connect-timeout <seconds>", "time allowed for each SSH connection's TCP connect, handshake and login (default 10)")
    .option("--keepalive <seconds>", "SSH keepalive period; a connection counts as lost after 3 unanswered (default 1)")
    .action(async (inventory: string, flags: InstallCommandOptions) => {
      const { runInstallCommand } = await import("../../install/cli-run.js");
      await runInstallCommand(inventory, flags);
      if (flags.json) {
        const { writeEnvelope } = await import("../output.js");
        const exitCode = process.exitCode === undefined ? 0 : Number(process.exitCode);
        writeEnvelope("install", exitCode, []);
      }
    });
  install
    .command("status")
    .description(
      "the install journal of a cloud (from rdoctl's state, wherever you run it), and whether a Packstack run is live on its deployer. " +
        "Exit codes: 0 ok, 1 the deployer cannot be asked (the journal is still shown)",
    )
    .argument("<inventory>", "inventory (YAML) or topology module (.ts/.js)")
    .option("--json", "print as JSON")
    .action(async (inventory: string, flags: { json?: boolean }) => {
      const { runInstallStatus } = await import("../../install/cli-run.js");
      await runInstallStatus(inventory, flags);
    });
}
