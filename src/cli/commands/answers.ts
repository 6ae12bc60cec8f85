import type { Command } from "commander";

/**
 * `rdoctl answers …`: Packstack answer files. Only commander is imported here; each action
 * loads src/packstack when it runs, so these commands never load cdktf, terraform or ssh2.
 */

interface GenerateCliOptions {
  readonly release?: string;
  readonly out?: string;
  readonly secretsTest?: boolean;
  readonly json?: boolean;
}

interface CheckCliOptions {
  readonly release?: string;
  readonly allowUnknown?: boolean;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

interface ImportCliOptions {
  readonly out?: string;
  readonly name?: string;
  readonly release?: string;
  readonly keepSecrets?: boolean;
  readonly json?: boolean;
}

interface DiffCliOptions {
  readonly from?: string;
  readonly to?: string;
  readonly json?: boolean;
}

const STDOUT = "-";

function writeStdout(text: string): void {
  process.stdout.write(text);
}

export function registerAnswersCommands(program: Command): void {
  const answers = program
    .command("answers")
    .description("write a complete Packstack answer file for an inventory (and check, import, diff answer files)")
    .argument("[inventory]", "inventory (YAML) or topology module (.ts/.js)")
    .option("--release <release>", "Packstack release to write for (default: the inventory's release)")
    .option("--out <file>", `where to write the file (mode 0600); "${STDOUT}" prints it, secrets included (default: .rdoctl/clouds/<cloud>/answers-<release>.txt)`)
    .option("--secrets-test", "use the deterministic test secret source (for examples and tests; NOT for real clouds)")
    .option("--json", "print a JSON summary (with --out -, the file's text and values too)")
    // The subcommands have options of the same names: these belong to `answers INVENTORY` only.
    .enablePositionalOptions()
    .action(async (inventory: string | undefined, options: GenerateCliOptions) => {
      const { RdoctlError } = await import("../../errors.js");
      if (!inventory) throw new RdoctlError("missing INVENTORY", 2, "usage");
      const { writeEnvelope } = await import("../output.js");
      const { writeAnswerFileFor } = await import("../answer-files.js");
      const written = writeAnswerFileFor(inventory, {
        ...(options.release ? { release: options.release } : {}),
        out: options.out === STDOUT ? "stdout" : options.out,
        secretsTest: options.secretsTest === true,
      });
      const summary = { cloud: written.cloud, release: written.release, parameters: Object.keys(written.values).length, secrets: written.secrets };
      if (written.file === undefined) {
        if (options.json) writeEnvelope("answers", 0, [], { ...summary, text: written.text, values: written.values });
        else writeStdout(written.text);
        return;
      }
      if (options.json) writeEnvelope("answers", 0, [], { file: written.file, ...summary });
      else writeStdout(`wrote ${written.file}: Packstack ${written.release} answer file for cloud ${written.cloud}, ${summary.parameters} parameters, secrets from the ${written.secrets}\n`);
    });

  answers
    .command("check")
    .description("check an answer file as a Packstack release reads it; exit 0 only if it accepts the file and nothing is silently ignored")
    .argument("<file>", "answer file")
    .option("--release <release>", "Packstack release (default: named in an rdoctl header, else the release whose keys fit best)")
    .option("--allow-unknown", "report unknown keys and keys of other releases as warnings, not errors")
    .option("--json", "print the result as JSON")
    .option("--verbose", "also show what only the deployer can check (files, writeable directories)")
    .action(async (file: string, options: CheckCliOptions) => {
      const { parseRelease } = await import("../../packstack/catalog.js");
      const { detectRelease } = await import("../../packstack/import.js");
      const { checkAnswerFile } = await import("../../packstack/check.js");
      const { checkIssues, checkVerdict, formatCheckFindings } = await import("../check-verdict.js");
      const { plural, writeEnvelope } = await import("../output.js");
      const { readTextInput } = await import("../../text-input.js");
      const text = readTextInput(file, "answer file");
      const release = options.release ? parseRelease(options.release) : detectRelease(text);
      const result = checkAnswerFile(text, release, { allowUnknown: options.allowUnknown ?? false, source: file });
      const verdict = checkVerdict(result, file);
      const issues = checkIssues(result, file, options.verbose ?? false);
      // Findings and the problem count go to stderr in both modes; stdout has the verdict or the JSON.
      if (!options.release) process.stderr.write(`${file}: checking against Packstack ${release} (detected; pass --release to choose)\n`);
      process.stderr.write(formatCheckFindings(result, file, { maxPerKind: 20, notes: options.verbose ?? false }));
      const problems = issues.filter((issue) => issue.severity === "error").length;
      if (problems > 0) process.stderr.write(`rdoctl: ${file}: ${plural(problems, "problem")}\n`);
      if (options.json) writeEnvelope("answers check", verdict.exitCode, issues, { file, releaseDetected: !options.release, verdict: verdict.text, ...result });
      else writeStdout(`${verdict.text}\n`);
      if (verdict.exitCode !== 0) process.exitCode = verdict.exitCode;
    });

  answers
    .command("import")
    .description("turn an existing answer file into an inventory (generating from it gives the same values back)")
    .argument("<file>", "answer file")
    .option("--out <file>", `inventory to write; "${STDOUT}" or absent prints it`)
    .option("--name <cloud>", "cloud name (default: from the file name)")
    .option("--release <release>", "Packstack release of the file (default: detected)")
    .option("--keep-secrets", "store the file's passwords and keys in the cloud's secrets file, so regenerating keeps them")
    .option("--json", "print the result as JSON (the inventory as `yaml`)")
    .action(async (file: string, options: ImportCliOptions) => {
      const { parseRelease } = await import("../../packstack/catalog.js");
      const { importAnswerFile } = await import("../../packstack/import.js");
      const { checkOutputFile, writingTo } = await import("../out-file.js");
      const { writeEnvelope } = await import("../output.js");
      const { readTextInput } = await import("../../text-input.js");
      const toFile = options.out !== undefined && options.out !== STDOUT;
      if (toFile) checkOutputFile(options.out!, "--out", "inventory.yaml");
      const text = readTextInput(file, "answer file");
      const result = importAnswerFile(text, {
        source: file,
        ...(toFile ? { outFile: options.out! } : {}),
        ...(options.name ? { name: options.name } : {}),
        ...(options.release ? { release: parseRelease(options.release) } : {}),
      });
      const secretCount = Object.keys(result.secrets).length;
      let kept: string | undefined;
      if (options.keepSecrets) {
        const { withSecretStore } = await import("../../packstack/secrets.js");
        kept = withSecretStore(result.spec.name, (store) => {
          for (const [key, value] of Object.entries(result.secrets)) store.set(key, value, { replace: true });
          return store.file;
        });
      }
      if (toFile) {
        const fs = await import("node:fs");
        writingTo(options.out!, () => fs.writeFileSync(options.out!, result.yaml));
      }
      const issues = result.issues.map((message) => ({ rule: "inventory", severity: "warning" as const, message }));
      if (options.json) {
        writeEnvelope("answers import", 0, issues, {
          file,
          cloud: result.spec.name,
          release: result.release,
          out: toFile ? options.out : null,
          overrides: result.overrideKeys,
          secrets: secretCount,
          secretsKeptIn: kept ?? null,
          ...(toFile ? {} : { yaml: result.yaml }),
        });
        return;
      }
      if (!toFile) writeStdout(result.yaml);
      if (kept) process.stderr.write(`rdoctl: kept ${secretCount} secrets of ${file} in ${kept}\n`);
      else if (secretCount > 0) {
        process.stderr.write(`rdoctl: ${secretCount} passwords and keys of ${file} are not in the inventory (--keep-secrets stores them for cloud ${result.spec.name})\n`);
      }
      for (const issue of result.issues) process.stderr.write(`rdoctl: warning: ${issue}\n`);
      if (toFile) {
        process.stderr.write(`rdoctl: wrote ${options.out}: cloud ${result.spec.name}, Packstack ${result.release}, ${result.overrideKeys.length} packstack overrides\n`);
      }
    });

  answers
    .command("diff")
    .description("differences between two answer files (exit 1 when they differ, as diff does), or between two releases' parameters (--from R1 --to R2)")
    .argument("[a]", "first answer file")
    .argument("[b]", "second answer file")
    .option("--from <release>", "older release")
    .option("--to <release>", "newer release")
    .option("--json", "print the differences as JSON")
    .action(async (a: string | undefined, b: string | undefined, options: DiffCliOptions) => {
      const { RdoctlError } = await import("../../errors.js");
      const { diffAnswerFiles, diffReleases, formatDiff, hasDifferences } = await import("../../packstack/diff.js");
      const { writeEnvelope } = await import("../output.js");
      let diff;
      if (options.from || options.to) {
        if (!options.from || !options.to || a || b) throw new RdoctlError("give either two files or both --from and --to", 2, "usage");
        const { parseRelease } = await import("../../packstack/catalog.js");
        diff = diffReleases(parseRelease(options.from), parseRelease(options.to));
      } else {
        if (!a || !b) throw new RdoctlError("give two answer files, or --from R1 --to R2", 2, "usage");
        const { readTextInput } = await import("../../text-input.js");
        diff = diffAnswerFiles(readTextInput(a, "answer file"), a, readTextInput(b, "answer file"), b);
      }
      // Two files: like diff(1), 0 when they are the same, 1 when they differ. Two releases: a
      // report of what changed between catalogs, 0.
      const comparesFiles = !(options.from || options.to);
      const exitCode = comparesFiles && hasDifferences(diff) ? 1 : 0;
      if (options.json) writeEnvelope("answers diff", exitCode, [], { differs: hasDifferences(diff), ...diff });
      else writeStdout(formatDiff(diff));
      if (exitCode !== 0) process.exitCode = exitCode;
    });
}
