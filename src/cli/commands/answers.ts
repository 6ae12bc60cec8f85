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
      if (!inventory) throw new RdoctlError("answers: missing INVENTORY (see rdoctl answers --help)", 2);
      const path = await import("node:path");
      const { loadTopology } = await import("../../topology/load.js");
      const { parseRelease } = await import("../../packstack/catalog.js");
      const { generateAnswers } = await import("../../packstack/answers.js");
      const { DeterministicSecretSource, openSecretStore } = await import("../../packstack/secrets.js");
      const { writeAnswerFile } = await import("../../packstack/files.js");
      const { cloudPaths } = await import("../../workspace.js");
      const topology = loadTopology(inventory);
      const release = options.release ? parseRelease(options.release) : topology.release;
      const secrets = options.secretsTest ? new DeterministicSecretSource(topology.name) : openSecretStore(topology.name);
      const file = generateAnswers(topology, { release, secrets });
      const summary = {
        cloud: file.cloud,
        release: file.release,
        parameters: Object.keys(file.values).length,
        secrets: secrets.description,
      };
      if (options.out === STDOUT) {
        writeStdout(options.json ? `${JSON.stringify({ ...summary, text: file.text, values: file.values }, null, 2)}\n` : file.text);
        return;
      }
      const out = options.out ?? path.join(cloudPaths(topology.name).dir, `answers-${release}.txt`);
      writeAnswerFile(out, file.text);
      if (options.json) writeStdout(`${JSON.stringify({ file: out, ...summary }, null, 2)}\n`);
      else writeStdout(`wrote ${out}: Packstack ${release} answer file for cloud ${file.cloud}, ${summary.parameters} parameters, secrets from the ${secrets.description}\n`);
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
      const { readAnswerFileText } = await import("../../packstack/files.js");
      const { parseRelease } = await import("../../packstack/catalog.js");
      const { detectRelease } = await import("../../packstack/import.js");
      const { checkAnswerFile, formatCheckResult } = await import("../../packstack/check.js");
      const text = readAnswerFileText(file);
      const release = options.release ? parseRelease(options.release) : detectRelease(text);
      const result = checkAnswerFile(text, release, { allowUnknown: options.allowUnknown ?? false, source: file });
      if (options.json) writeStdout(`${JSON.stringify({ file, releaseDetected: !options.release, ...result }, null, 2)}\n`);
      else {
        if (!options.release) writeStdout(`${file}: checking against Packstack ${release} (detected; pass --release to choose)\n`);
        writeStdout(formatCheckResult(result, file, { maxPerKind: 20, notes: options.verbose ?? false }));
      }
      if (!result.accepted || result.errors.length > 0) process.exitCode = 1;
    });

  answers
    .command("import")
    .description("turn an existing answer file into an inventory (generating from it gives the same values back)")
    .argument("<file>", "answer file")
    .option("--out <file>", `inventory to write; "${STDOUT}" or absent prints it`)
    .option("--name <cloud>", "cloud name (default: from the file name)")
    .option("--release <release>", "Packstack release of the file (default: detected)")
    .option("--keep-secrets", "store the file's passwords and keys in the cloud's secrets file, so regenerating keeps them")
    .action(async (file: string, options: ImportCliOptions) => {
      const { readAnswerFileText } = await import("../../packstack/files.js");
      const { parseRelease } = await import("../../packstack/catalog.js");
      const { importAnswerFile } = await import("../../packstack/import.js");
      const text = readAnswerFileText(file);
      const result = importAnswerFile(text, {
        source: file,
        ...(options.name ? { name: options.name } : {}),
        ...(options.release ? { release: parseRelease(options.release) } : {}),
      });
      if (!options.out || options.out === STDOUT) writeStdout(result.yaml);
      else {
        const fs = await import("node:fs");
        fs.writeFileSync(options.out, result.yaml);
      }
      const secretCount = Object.keys(result.secrets).length;
      if (options.keepSecrets) {
        const { openSecretStore } = await import("../../packstack/secrets.js");
        const store = openSecretStore(result.spec.name);
        for (const [key, value] of Object.entries(result.secrets)) store.set(key, value);
        store.save();
        process.stderr.write(`rdoctl: kept ${secretCount} secrets of ${file} in ${store.file}\n`);
      } else if (secretCount > 0) {
        process.stderr.write(`rdoctl: ${secretCount} passwords and keys of ${file} are not in the inventory (--keep-secrets stores them for cloud ${result.spec.name})\n`);
      }
      for (const issue of result.issues) process.stderr.write(`rdoctl: warning: ${issue}\n`);
      if (options.out && options.out !== STDOUT) {
        process.stderr.write(`rdoctl: wrote ${options.out}: cloud ${result.spec.name}, Packstack ${result.release}, ${result.overrideKeys.length} packstack overrides\n`);
      }
    });

  answers
    .command("diff")
    .description("differences between two answer files, or between two releases' parameters (--from R1 --to R2)")
    .argument("[a]", "first answer file")
    .argument("[b]", "second answer file")
    .option("--from <release>", "older release")
    .option("--to <release>", "newer release")
    .option("--json", "print the differences as JSON")
    .action(async (a: string | undefined, b: string | undefined, options: DiffCliOptions) => {
      const { RdoctlError } = await import("../../errors.js");
      const { diffAnswerFiles, diffReleases, formatDiff } = await import("../../packstack/diff.js");
      let diff;
      if (options.from || options.to) {
        if (!options.from || !options.to || a || b) throw new RdoctlError("answers diff: give either two files or both --from and --to", 2);
        const { parseRelease } = await import("../../packstack/catalog.js");
        diff = diffReleases(parseRelease(options.from), parseRelease(options.to));
      } else {
        if (!a || !b) throw new RdoctlError("answers diff: give two answer files, or --from R1 --to R2", 2);
        const { readAnswerFileText } = await import("../../packstack/files.js");
        diff = diffAnswerFiles(readAnswerFileText(a), a, readAnswerFileText(b), b);
      }
      writeStdout(options.json ? `${JSON.stringify(diff, null, 2)}\n` : formatDiff(diff));
    });
}
