import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { RdoctlError } from "../errors";
import { findShipped } from "../shipped-files";

/**
 * Where the Terraform engine (terraform or OpenTofu), terraform-provider-openstack and the CLI
 * configuration that ties them together are found. `scripts/engine.mjs` makes them ready (it builds
 * what is missing with `go install` and uses this module's layout); `rdoctl doctor`, the tests and
 * anything that runs cdktf read them here, so there is one answer to "which engine, which provider".
 */

/** providers/openstack/pin.json: the provider (and the OpenTofu fallback) rdoctl is applied with. */
export interface EnginePin {
  readonly provider: { readonly source: string; readonly version: string; readonly goModule: string; readonly binary: string };
  readonly tofu: { readonly version: string; readonly goPackage: string };
}

export type EngineKind = "terraform" | "tofu";

export interface FoundEngine {
  readonly kind: EngineKind;
  /** Absolute path of the binary. */
  readonly path: string;
  readonly version: string;
  /** Where it was found: `$TERRAFORM_BINARY_NAME`, `PATH`, or the engine cache (built by scripts/engine.mjs). */
  readonly from: "TERRAFORM_BINARY_NAME" | "PATH" | "cache";
}

export interface EngineLayout {
  readonly cacheDir: string;
  /** The filesystem mirror (`provider_installation { filesystem_mirror { path = … } }`). */
  readonly mirrorDir: string;
  /** The provider binary inside the mirror, once per registry host (terraform's and OpenTofu's default). */
  readonly providerBinaries: readonly string[];
  readonly cliConfig: string;
  /** Where scripts/engine.mjs builds OpenTofu when no engine is on PATH. */
  readonly tofuBinary: string;
  /** Where scripts/engine.mjs puts `go install` output before laying it into the mirror. */
  readonly goBin: string;
}

export interface EngineProblem {
  readonly what: string;
  readonly fix: string;
}

export interface EngineStatus {
  readonly engine?: FoundEngine;
  readonly provider: { readonly source: string; readonly version: string; readonly path: string; readonly found: boolean };
  readonly cliConfig: { readonly path: string; readonly found: boolean };
  readonly layout: EngineLayout;
  /** What is missing and how to get it; empty when cdktf deploy can run. */
  readonly problems: readonly EngineProblem[];
  /** The environment cdktf and terraform need to use this engine, provider and CLI config. */
  readonly env: Readonly<Record<string, string>>;
}

/** Registry hosts a bare `terraform-provider-openstack/openstack` source resolves to: terraform's, then OpenTofu's. */
export const REGISTRY_HOSTS = ["registry.terraform.io", "registry.opentofu.org"] as const;

/** The command that makes the engine ready, as README and doctor tell it. */
export const ENGINE_SCRIPT = "npm run engine";

const PIN_FILE = path.join("providers", "openstack", "pin.json");

export function readEnginePin(file: string | undefined = findShipped(PIN_FILE)): EnginePin {
  if (!file) throw new RdoctlError(`${PIN_FILE} is missing from this rdoctl installation: reinstall rdoctl`);
  return JSON.parse(readFileSync(file, "utf8")) as EnginePin;
}

/** `$RDOCTL_ENGINE_CACHE`, else `$XDG_CACHE_HOME/rdoctl/engine`, else `~/.cache/rdoctl/engine`: outside any project. */
export function engineCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RDOCTL_ENGINE_CACHE) return path.resolve(env.RDOCTL_ENGINE_CACHE);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(env.HOME ?? homedir(), ".cache");
  return path.join(base, "rdoctl", "engine");
}

/** Terraform's name for this machine's platform (`linux_amd64`). */
export function terraformPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const archName: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${platform === "win32" ? "windows" : platform}_${archName[arch] ?? arch}`;
}

export function engineLayout(cacheDir: string, pin: EnginePin, platform = terraformPlatform()): EngineLayout {
  const mirrorDir = path.join(cacheDir, "mirror");
  const { source, version, binary } = pin.provider;
  const executable = `${binary}_v${version}${platform.startsWith("windows") ? ".exe" : ""}`;
  return {
    cacheDir,
    mirrorDir,
    providerBinaries: REGISTRY_HOSTS.map((host) => path.join(mirrorDir, host, source, version, platform, executable)),
    cliConfig: path.join(cacheDir, "terraformrc"),
    tofuBinary: path.join(cacheDir, "bin", "tofu"),
    goBin: path.join(cacheDir, "go-bin"),
  };
}

/**
 * The CLI configuration: this provider only from the mirror (so no registry is asked for it),
 * every other provider the ordinary way.
 */
export function renderCliConfig(layout: EngineLayout, pin: EnginePin): string {
  const addresses = REGISTRY_HOSTS.map((host) => JSON.stringify(`${host}/${pin.provider.source}`)).join(", ");
  return [
    "# Written by scripts/engine.mjs (rdoctl): terraform-provider-openstack from a local filesystem mirror.",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(layout.mirrorDir)}`,
    `    include = [${addresses}]`,
    "  }",
    "  direct {",
    `    exclude = [${addresses}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/**
 * Environment quiet and offline for newcomers: no HashiCorp checkpoint calls (terraform's and
 * cdktf's, whose failure cdktf prints as [ERROR]), no cdktf telemetry.
 */
export const QUIET_ENV: Readonly<Record<string, string>> = {
  CHECKPOINT_DISABLE: "1",
  CDKTF_DISABLE_TELEMETRY: "true",
};

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  if (name.includes("/")) return isExecutable(name) ? path.resolve(name) : undefined;
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** `terraform -version -json` (OpenTofu answers in the same shape). Undefined when the binary does not answer. */
export function engineVersion(binary: string, env: NodeJS.ProcessEnv = process.env): { kind: EngineKind; version: string } | undefined {
  const run = spawnSync(binary, ["-version", "-json"], {
    encoding: "utf8",
    timeout: 30_000,
    env: { ...env, ...QUIET_ENV, TF_CLI_CONFIG_FILE: "/dev/null" },
  });
  if (run.status !== 0) return undefined;
  try {
    const answer = JSON.parse(run.stdout) as { terraform_version?: string };
    if (!answer.terraform_version) return undefined;
    const kind: EngineKind = /opentofu/i.test(run.stdout) || path.basename(binary).startsWith("tofu") ? "tofu" : "terraform";
    return { kind, version: answer.terraform_version };
  } catch {
    return undefined;
  }
}

/**
 * The engine: `$TERRAFORM_BINARY_NAME` when set (what cdktf itself runs), else terraform on PATH,
 * else tofu on PATH, else the OpenTofu scripts/engine.mjs built into the cache.
 */
export function findEngine(layout: EngineLayout, env: NodeJS.ProcessEnv = process.env): FoundEngine | undefined {
  const candidates: { readonly file: string | undefined; readonly from: FoundEngine["from"] }[] = env.TERRAFORM_BINARY_NAME
    ? [{ file: onPath(env.TERRAFORM_BINARY_NAME, env), from: "TERRAFORM_BINARY_NAME" }]
    : [
        { file: onPath("terraform", env), from: "PATH" },
        { file: onPath("tofu", env), from: "PATH" },
        { file: isExecutable(layout.tofuBinary) ? layout.tofuBinary : undefined, from: "cache" },
      ];
  for (const { file, from } of candidates) {
    if (!file) continue;
    const answer = engineVersion(file, env);
    if (answer) return { ...answer, path: file, from };
  }
  return undefined;
}

export interface LocateOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly pin?: EnginePin;
  readonly cacheDir?: string;
}

/** Which engine, provider and CLI configuration rdoctl would use, and what is missing. Never throws for a missing part. */
export function locateEngine(options: LocateOptions = {}): EngineStatus {
  const env = options.env ?? process.env;
  const pin = options.pin ?? readEnginePin();
  const layout = engineLayout(options.cacheDir ?? engineCacheDir(env), pin);
  const engine = findEngine(layout, env);
  const providerPath = layout.providerBinaries[0]!;
  const providerFound = layout.providerBinaries.every(isExecutable);
  const cliConfigFound = existsSync(layout.cliConfig);
  const problems: EngineProblem[] = [];
  if (!engine) {
    problems.push({
      what: env.TERRAFORM_BINARY_NAME
        ? `TERRAFORM_BINARY_NAME=${env.TERRAFORM_BINARY_NAME} is not an engine that answers \`-version -json\``
        : "no terraform or tofu on PATH, and no OpenTofu built in the engine cache",
      fix: `run \`${ENGINE_SCRIPT}\` (builds OpenTofu ${pin.tofu.version} with go install), or put terraform or tofu on PATH`,
    });
  }
  if (!providerFound) {
    problems.push({
      what: `terraform-provider-openstack ${pin.provider.version} is not in the mirror ${layout.mirrorDir}`,
      fix: `run \`${ENGINE_SCRIPT}\` (builds it with go install), or, where the Terraform registry is reachable, use the ordinary \`cdktf deploy\` without TF_CLI_CONFIG_FILE`,
    });
  }
  if (!cliConfigFound) {
    problems.push({ what: `the CLI configuration ${layout.cliConfig} is missing`, fix: `run \`${ENGINE_SCRIPT}\`` });
  }
  return {
    ...(engine ? { engine } : {}),
    provider: { source: pin.provider.source, version: pin.provider.version, path: providerPath, found: providerFound },
    cliConfig: { path: layout.cliConfig, found: cliConfigFound },
    layout,
    problems,
    env: engineEnv(layout, engine),
  };
}

/** What cdktf and terraform need in their environment to use this engine and the mirror. */
export function engineEnv(layout: EngineLayout, engine: FoundEngine | undefined): Record<string, string> {
  return {
    ...QUIET_ENV,
    TF_CLI_CONFIG_FILE: layout.cliConfig,
    // cdktf runs `terraform` unless told otherwise; anything else (tofu, a binary off PATH) is named.
    ...(engine && !(engine.from === "PATH" && engine.kind === "terraform") ? { TERRAFORM_BINARY_NAME: engine.path } : {}),
  };
}

export interface EngineRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the located engine (`init`, `validate`, `providers schema -json` …) in `cwd` with the mirror's
 * CLI configuration. OS_* variables are dropped: the provider turns a Required argument whose
 * environment default is set into an optional one, so schema and validation would depend on the shell.
 */
export function runEngine(status: EngineStatus, args: readonly string[], cwd: string, extraEnv: Readonly<Record<string, string>> = {}): EngineRun {
  if (!status.engine) throw new RdoctlError(status.problems.map((p) => `${p.what}: ${p.fix}`).join("; "));
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OS_")));
  const run = spawnSync(status.engine.path, [...args], {
    cwd,
    encoding: "utf8",
    maxBuffer: 256 << 20,
    env: { ...env, ...status.env, TF_IN_AUTOMATION: "1", TF_INPUT: "0", ...extraEnv },
  });
  return { status: run.status, stdout: run.stdout ?? "", stderr: run.stderr ?? "" };
}
