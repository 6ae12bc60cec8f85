import type { Command } from "commander";

interface CheckOptions {
  readonly schema?: string;
  readonly json?: boolean;
  readonly strict?: boolean;
}

export function registerCheckCommand(program: Command): void {
  program
    .command("check")
    .description("check synthesized cdktf stacks (cdk.tf.json) against the OpenStack provider schema; one line per finding")
    .argument("[dir]", "cdktf output directory, one stack's directory, or a cdk.tf.json file (default: the output of ./cdktf.json, else cdktf.out)")
    .option("--schema <file>", "provider schema as `terraform providers schema -json` prints it (default: providers/openstack/schema.json shipped with rdoctl)")
    .option("--json", "print the findings as JSON on stdout")
    .option("--strict", "fail on warnings too (unchecked providers, deprecated attributes, suspicious conversions)")
    .action(async (dir: string | undefined, options: CheckOptions) => {
      // Reads JSON only: cdktf itself is never loaded, so the check runs in milliseconds.
      const { runCheck, formatCheckReport } = await import("../../cloud/check/run-check.js");
      const report = runCheck({ ...(dir ? { target: dir } : {}), ...(options.schema ? { schemaFile: options.schema } : {}), strict: options.strict === true });
      if (options.json) {
        const { writeEnvelope } = await import("../output.js");
        const issues = report.findings.map((f) => ({
          rule: f.rule,
          severity: f.severity,
          message: f.message,
          file: f.file,
          path: `${f.address}${f.attributePath ? `.${f.attributePath}` : ""}`,
        }));
        writeEnvelope("check", report.exitCode, issues, { ...report });
      } else {
        // Findings are problems: stderr, like every command's; stdout stays empty.
        const text = formatCheckReport(report);
        process.stderr.write(text.findings);
        process.stderr.write(text.summary);
      }
      if (report.exitCode !== 0) process.exitCode = report.exitCode;
    });
}
