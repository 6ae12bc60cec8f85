#!/usr/bin/env zx
// Builds (or reuses) one Python virtualenv per RDO release with the OpenStack services the lab's
// real cloud runs (keystone, glance, placement, nova, neutron, heat, cinder, the clients, uWSGI),
// pinned by data/openstack (releases.json + the release's upper-constraints.txt).
//
//   node scripts/openstack-venv.mjs [RELEASE...] [--json]     default release: 2025.1
//
// The venv lives outside the repository at $RDOCTL_OPENSTACK_CACHE (default
// /var/cache/rdoctl/openstack)/<release>-<hash>, where the hash covers every pin and the
// interpreter, so an unchanged pin set is reused and a changed one gets a new venv. /var/cache is
// visible inside lab hosts (their /root, /opt, /tmp are not), and the interpreter is Debian's
// /usr/bin/python3 for the same reason: a venv points at its interpreter's prefix.
// Last stdout line per release: `venv RELEASE PATH` (or one JSON object with --json).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { argv } from "zx";

const REPO = resolve(fileURLToPath(new URL("..", import.meta.url)));
const DATA = join(REPO, "data/openstack");
const PYTHON = process.env.RDOCTL_OPENSTACK_PYTHON ?? "/usr/bin/python3";
const CACHE = process.env.RDOCTL_OPENSTACK_CACHE ?? "/var/cache/rdoctl/openstack";
const READY = ".rdoctl-venv-ready";

function fail(message) {
  process.stderr.write(`openstack-venv: ${message}\n`);
  process.exit(1);
}

function progress(message) {
  process.stderr.write(`openstack-venv: ${message}\n`);
}

function loadRelease(release) {
  const releases = JSON.parse(readFileSync(join(DATA, "releases.json"), "utf8")).releases;
  const entry = releases[release];
  if (!entry) fail(`unknown release "${release}": data/openstack/releases.json has ${Object.keys(releases).join(", ")}`);
  const constraintsFile = join(DATA, release, "upper-constraints.txt");
  if (!existsSync(constraintsFile)) fail(`${constraintsFile} is missing: copy it from openstack/requirements ${entry.requirements.branch}`);
  return { entry, constraintsFile, constraints: readFileSync(constraintsFile, "utf8") };
}

function pythonVersion() {
  const r = spawnSync(PYTHON, ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], { encoding: "utf8" });
  if (r.status !== 0) fail(`${PYTHON} does not run (${(r.stderr || r.error?.message || "").trim()}): install Debian's python3, python3-venv and python3-dev`);
  const venvCheck = spawnSync(PYTHON, ["-c", "import venv, ensurepip"], { encoding: "utf8" });
  if (venvCheck.status !== 0) fail(`${PYTHON} has no venv/ensurepip: apt-get install python3-venv`);
  return r.stdout.trim();
}

/** The venv's directory for a release: <cache>/<release>-<12 hex of the pins and interpreter>. */
export function venvDir(release) {
  const { entry, constraints } = loadRelease(release);
  const hash = createHash("sha256")
    .update(JSON.stringify(entry))
    .update("\0")
    .update(constraints)
    .update("\0")
    .update(`${PYTHON} ${pythonVersion()}`)
    .digest("hex")
    .slice(0, 12);
  return join(CACHE, `${release}-${hash}`);
}

function run(cmd, args, log) {
  return new Promise((resolveRun) => {
    appendFileSync(log, `\n$ ${cmd} ${args.join(" ")}\n`);
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1" } });
    const sink = (d) => appendFileSync(log, d);
    child.stdout.on("data", sink);
    child.stderr.on("data", sink);
    child.on("error", (e) => resolveRun({ code: 127, error: e.message }));
    child.on("close", (code) => resolveRun({ code }));
  });
}

function lastLines(file, n) {
  try {
    return readFileSync(file, "utf8").trim().split("\n").filter((l) => l.trim()).slice(-n).join(" | ");
  } catch {
    return "";
  }
}

/** mkdir is atomic: one builder per venv; others wait for it (a dead holder's lock is taken over). */
async function withLock(dir, body) {
  const lock = `${dir}.lock`;
  mkdirSync(CACHE, { recursive: true });
  for (let waited = 0; ; waited++) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch {
      let holder = 0;
      try { holder = Number(readFileSync(join(lock, "pid"), "utf8")); } catch { /* being written */ }
      let alive = false;
      if (holder > 0) { try { process.kill(holder, 0); alive = true; } catch { alive = false; } }
      if (holder > 0 && !alive) { rmSync(lock, { recursive: true, force: true }); continue; }
      if (waited % 30 === 0) progress(`waiting for another build of ${dir} (pid ${holder || "?"})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function ensureVenv(release) {
  const dir = venvDir(release);
  if (existsSync(join(dir, READY))) {
    progress(`${release}: reusing ${dir}`);
    return dir;
  }
  return withLock(dir, async () => {
    if (existsSync(join(dir, READY))) return dir;
    const { entry, constraintsFile } = loadRelease(release);
    const started = Date.now();
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const log = join(dir, "build.log");
    writeFileSync(log, `release ${release}, requirements ${entry.requirements.branch} @ ${entry.requirements.commit}\n`);
    progress(`${release}: building ${dir} (log: ${log}); a cold build takes several minutes`);
    const pip = join(dir, "bin/pip");
    const step = async (what, cmd, args) => {
      progress(`${release}: ${what}`);
      const r = await run(cmd, args, log);
      if (r.code !== 0) fail(`${release}: ${what} failed (exit ${r.code}${r.error ? `, ${r.error}` : ""}): ${lastLines(log, 3)} — full log ${log}`);
    };
    await step("creating the virtualenv", PYTHON, ["-m", "venv", dir]);
    const servers = Object.entries(entry.servers).map(([name, version]) => `${name}==${version}`);
    await step(`installing ${servers.join(" ")} with ${entry.constrained.join(", ")}`, pip, [
      "install", "--no-input", "-c", constraintsFile, ...servers, ...entry.constrained,
    ]);
    // uWSGI compiles against the interpreter: never take a wheel another Python built.
    const extras = Object.entries(entry.extra).map(([name, version]) => `${name}==${version}`);
    await step(`building ${extras.join(" ")}`, pip, ["install", "--no-input", "--no-cache-dir", "--no-binary", ":all:", ...extras]);
    await step("checking that every service imports", join(dir, "bin/python"), [
      "-c", "import keystone, glance, placement, nova, neutron, heat, cinder, openstack, openstackclient, pymysql",
    ]);
    await step("checking uwsgi", join(dir, "bin/uwsgi"), ["--version"]);
    writeFileSync(join(dir, READY), JSON.stringify({ release, builtAt: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000) }) + "\n");
    progress(`${release}: ready in ${Math.round((Date.now() - started) / 1000)} s at ${dir}`);
    return dir;
  });
}

const releases = argv._.length ? argv._.map(String) : ["2025.1"];
const result = {};
for (const release of releases) {
  loadRelease(release);
  result[release] = await ensureVenv(release);
}
if (argv.json) process.stdout.write(JSON.stringify(result) + "\n");
else for (const [release, dir] of Object.entries(result)) process.stdout.write(`venv ${release} ${dir}\n`);
