import type { Command } from "commander";

interface DoctorOptions {
  readonly json?: boolean;
}

export function registerDoctorCommand(program: Command): void {
  program
    .command("doctor")
    .description("say which Terraform engine (terraform or tofu), terraform-provider-openstack and CLI configuration cdktf deploy would use, and what to do when one is missing")
    .option("--json", "print the result as JSON on stdout")
    .action(async (options: DoctorOptions) => {
      const { locateEngine } = await import("../../cloud/engine.js");
      const status = locateEngine();
      const ok = status.problems.length === 0;
      if (options.json) {
        const { layout: _layout, ...rest } = status;
        process.stdout.write(`${JSON.stringify({ ok, ...rest }, null, 2)}\n`);
      } else {
        const { engine, provider, cliConfig } = status;
        const lines = [
          engine
            ? `engine:   ${engine.kind} ${engine.version} (${engine.path}${engine.from === "cache" ? ", built into the engine cache" : engine.from === "TERRAFORM_BINARY_NAME" ? ", from TERRAFORM_BINARY_NAME" : ""})`
            : "engine:   missing",
          `provider: ${provider.source} ${provider.version} ${provider.found ? `(${provider.path})` : "missing from the mirror"}`,
          `config:   ${cliConfig.path}${cliConfig.found ? "" : " (missing)"}`,
          ...status.problems.map((problem) => `rdoctl doctor: ${problem.what}: ${problem.fix}`),
        ];
        if (ok) {
          lines.push("cdktf deploy, diff and destroy need this environment:");
          lines.push(...Object.entries(status.env).map(([key, value]) => `  export ${key}=${value}`));
        }
        process.stdout.write(`${lines.join("\n")}\n`);
      }
      if (!ok) process.exitCode = 1;
    });
}
