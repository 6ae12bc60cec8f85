// scripts/openstack-venv.mjs: pins come from data/openstack, a bad release is one clear line,
// and a built venv is reused (the directory name carries the hash of its pins).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const REPO = resolve(__dirname, "../..");
const SCRIPT = join(REPO, "scripts/openstack-venv.mjs");
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [SCRIPT, ...args], { cwd: REPO, encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });

describe("scripts/openstack-venv.mjs", () => {
  it("names the releases it knows in one line when asked for another, and builds nothing", () => {
    const cache = mkdtempSync(join(tmpdir(), "osvenv-"));
    try {
      const r = run(["2099.1"], { RDOCTL_OPENSTACK_CACHE: cache });
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split("\n")).toEqual(['openstack-venv: unknown release "2099.1": data/openstack/releases.json has 2025.1, 2024.1']);
      expect(r.stdout).toBe("");
      expect(existsSync(join(cache, "2099.1"))).toBe(false);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it("says in one line what to install when the interpreter is missing", () => {
    const r = run(["2025.1"], { RDOCTL_OPENSTACK_PYTHON: "/nonexistent/python3", RDOCTL_OPENSTACK_CACHE: join(tmpdir(), "osvenv-none") });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("/nonexistent/python3 does not run");
    expect(r.stderr).toContain("python3-venv");
  });

  it("keeps every release's pins with their source commit: server versions, clients from upper-constraints, uWSGI pinned", () => {
    const { releases } = JSON.parse(readFileSync(join(REPO, "data/openstack/releases.json"), "utf8"));
    for (const release of ["2025.1", "2024.1"]) {
      const entry = releases[release];
      expect(entry.requirements.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(Object.keys(entry.servers).sort()).toEqual(["cinder", "glance", "keystone", "neutron", "nova", "openstack-heat", "openstack-placement"]);
      expect(entry.extra).toHaveProperty("uWSGI");
      const constraints = readFileSync(join(REPO, "data/openstack", release, "upper-constraints.txt"), "utf8");
      for (const client of entry.constrained) expect(constraints, `${release} ${client}`).toMatch(new RegExp(`^${client}===`, "m"));
    }
  });
});
