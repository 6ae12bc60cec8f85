#!/usr/bin/env -S npx tsx
// Makes the Terraform engine ready for `cdktf deploy`/`diff`/`destroy` with no Terraform registry:
//
//   npm run engine                 # human summary, then the env to export
//   npm run -s engine -- --env     # only `export K=V` lines on stdout (progress on stderr): eval "$(…)"
//
// 1. The engine: $TERRAFORM_BINARY_NAME, terraform or tofu on PATH, else OpenTofu (pinned in
//    providers/openstack/pin.json) built with `go install` into the engine cache.
// 2. terraform-provider-openstack at the pinned version, built with `go install` and laid out as a
//    filesystem mirror (<cache>/mirror/<registry host>/terraform-provider-openstack/openstack/<v>/<os_arch>/).
// 3. <cache>/terraformrc whose provider_installation takes this provider from the mirror only.
// 4. A `init` of a one-provider configuration proves the engine finds the provider there.
//
// Idempotent: what is already in place is kept. Offline except for the Go module proxy (only when
// something must be built). The cache is $RDOCTL_ENGINE_CACHE, else $XDG_CACHE_HOME/rdoctl/engine,
// else ~/.cache/rdoctl/engine — outside the repository, shared by every checkout on the machine.
// Runs through tsx so it shares the layout with src/cloud/engine.ts (doctor, tests, cdktf runners).

import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { argv, fs, path } from "zx";
import { engineCacheDir, engineLayout, findEngine, locateEngine, readEnginePin, renderCliConfig } from "../src/cloud/engine.ts";

const envOnly = argv.env === true;
const say = (line) => process.stderr.write(`${line}\n`);

class EngineSetupError extends Error {}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 << 20, ...options });
  if (result.error?.code === "ENOENT") throw new EngineSetupError(`${command} is not on PATH`);
  return result;
}

function goBinary() {
  const probe = run("go", ["version"]);
  if (probe.status !== 0) throw new EngineSetupError("go does not run");
  return probe.stdout.trim();
}

/** `go install` into gobin; returns seconds taken. Fails with go's last lines, not a stack trace. */
function goInstall(target, gobin) {
  const started = performance.now();
  fs.mkdirpSync(gobin);
  const result = run("go", ["install", target], {
    env: { ...process.env, GOBIN: gobin, CGO_ENABLED: "0", GOFLAGS: `${process.env.GOFLAGS ?? ""} -trimpath`.trim() },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.status !== 0) {
    const tail = `${result.stdout}${result.stderr}`.trim().split("\n").slice(-6).join("\n  ");
    throw new EngineSetupError(`go install ${target} failed:\n  ${tail}`);
  }
  return (performance.now() - started) / 1000;
}

/** The module version a Go binary was built from (`go version -m`), or undefined. */
function goModuleVersion(binary, goModule) {
  if (!fs.existsSync(binary)) return undefined;
  const result = run("go", ["version", "-m", binary]);
  if (result.status !== 0) return undefined;
  const line = result.stdout.split("\n").find((l) => /^\s*mod\s/.test(l) && l.trim().split(/\s+/)[1] === goModule);
  return line?.trim().split(/\s+/)[2];
}

function ensureEngine(layout, pin, timings) {
  let engine = findEngine(layout);
  if (engine) return engine;
  say(`engine: no terraform or tofu on PATH; building OpenTofu ${pin.tofu.version} with go install (several minutes on a cold Go cache)`);
  goBinary();
  timings.tofuBuildSeconds = goInstall(`${pin.tofu.goPackage}@v${pin.tofu.version}`, path.dirname(layout.tofuBinary));
  engine = findEngine(layout);
  if (!engine) throw new EngineSetupError(`OpenTofu was built into ${layout.tofuBinary} but does not answer \`tofu -version -json\``);
  return engine;
}

function ensureProvider(layout, pin, timings) {
  const { goModule, version, binary } = pin.provider;
  const [primary, ...others] = layout.providerBinaries;
  const wanted = `v${version}`;
  const have = () => layout.providerBinaries.every((file) => fs.existsSync(file));
  if (have() && goModuleVersion(primary, goModule) === wanted) return "kept";
  goBinary();
  const built = path.join(layout.goBin, binary);
  if (goModuleVersion(built, goModule) !== wanted) {
    say(`provider: building ${goModule}@${wanted} with go install`);
    timings.providerBuildSeconds = goInstall(`${goModule}@${wanted}`, layout.goBin);
    const got = goModuleVersion(built, goModule);
    if (got !== wanted) throw new EngineSetupError(`go install built ${built} at ${got ?? "an unknown version"}, not ${wanted}`);
  }
  for (const file of [primary, ...others]) {
    fs.mkdirpSync(path.dirname(file));
    fs.removeSync(file);
    fs.copyFileSync(built, file);
    fs.chmodSync(file, 0o755);
  }
  return "built";
}

function ensureCliConfig(layout, pin) {
  const text = renderCliConfig(layout, pin);
  if (fs.existsSync(layout.cliConfig) && fs.readFileSync(layout.cliConfig, "utf8") === text) return "kept";
  fs.mkdirpSync(path.dirname(layout.cliConfig));
  fs.writeFileSync(`${layout.cliConfig}.tmp`, text);
  fs.renameSync(`${layout.cliConfig}.tmp`, layout.cliConfig);
  return "written";
}

/** `init` of a configuration needing only this provider, with the mirror config: proves the layout. */
function proveInit(status, pin) {
  const dir = mkdtempSync(path.join(tmpdir(), "rdoctl-engine-"));
  try {
    fs.writeFileSync(
      path.join(dir, "main.tf.json"),
      JSON.stringify({ terraform: { required_providers: { openstack: { source: pin.provider.source, version: pin.provider.version } } } }),
    );
    const started = performance.now();
    const result = run(status.engine.path, ["init", "-input=false", "-no-color", "-backend=false"], {
      cwd: dir,
      env: { ...process.env, ...status.env, TF_PLUGIN_CACHE_DIR: "" },
    });
    if (result.status !== 0) {
      const why = `${result.stdout}${result.stderr}`.trim().split("\n").filter((l) => l.trim()).slice(-4).join("\n  ");
      throw new EngineSetupError(`${status.engine.kind} init with ${status.cliConfig.path} did not find the provider in the mirror:\n  ${why}`);
    }
    return (performance.now() - started) / 1000;
  } finally {
    fs.removeSync(dir);
  }
}

function shellQuote(value) {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function main() {
  const started = performance.now();
  const pin = readEnginePin(path.join(import.meta.dirname, "..", "providers", "openstack", "pin.json"));
  const layout = engineLayout(engineCacheDir(), pin);
  const timings = {};
  const engine = ensureEngine(layout, pin, timings);
  const provider = ensureProvider(layout, pin, timings);
  const cliConfig = ensureCliConfig(layout, pin);
  const status = locateEngine({ pin, cacheDir: layout.cacheDir });
  if (status.problems.length > 0) throw new EngineSetupError(status.problems.map((p) => `${p.what}: ${p.fix}`).join("\n"));
  const initSeconds = proveInit(status, pin);
  const total = (performance.now() - started) / 1000;

  const exports = Object.entries(status.env).map(([k, v]) => `export ${k}=${shellQuote(v)}`);
  const builds = Object.entries(timings).map(([k, s]) => `${k.replace(/Seconds$/, "")} ${s.toFixed(1)} s`);
  say(`engine:   ${engine.kind} ${engine.version} (${engine.path}, from ${engine.from === "cache" ? "the engine cache" : engine.from})`);
  say(`provider: ${pin.provider.source} ${pin.provider.version} (${provider}) in ${layout.mirrorDir}`);
  say(`config:   ${layout.cliConfig} (${cliConfig})`);
  say(`ready in ${total.toFixed(1)} s${builds.length ? ` (${builds.join(", ")})` : " (nothing built)"}; ${engine.kind} init from the mirror ${initSeconds.toFixed(1)} s`);
  fs.writeJsonSync(path.join(layout.cacheDir, "last-setup.json"), { at: new Date().toISOString(), totalSeconds: total, initSeconds, ...timings, engine, provider: pin.provider.version }, { spaces: 2 });
  if (envOnly) {
    process.stdout.write(`${exports.join("\n")}\n`);
  } else {
    say("use it with:");
    process.stdout.write(`${exports.map((l) => `  ${l}`).join("\n")}\n`);
  }
}

try {
  main();
} catch (error) {
  if (!(error instanceof EngineSetupError)) throw error;
  const needsGo = /go (does not run|is not on PATH)/.test(error.message);
  say(`engine: ${error.message}${needsGo ? "\n  install Go (1.22 or newer) from https://go.dev/dl or your distribution, or put terraform/tofu on PATH and copy a provider build into the mirror" : ""}`);
  process.exitCode = 1;
}
