// rdoctl destroy: says what happens to every host (rdoctl created none: all kept, never touched)
// and to the day-1 resources before removing anything, through rdoctl down's machinery (one
// destroy path). Needs the engine (terraform/OpenTofu) as rdoctl down does.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { engineCacheDir, locateEngine } from "../../src/cloud/engine";
import { reportLabSkipped } from "../lab/lab";
import { invalidEvents, parseEvents } from "../pipeline/events-schema";

const ROOT = path.resolve(__dirname, "../..");
process.env.RDOCTL_ENGINE_CACHE ??= engineCacheDir();
const engineMissing = locateEngine().problems.length > 0 ? "engine not ready (npm run engine)" : undefined;
if (engineMissing) reportLabSkipped(engineMissing, "test/day2/destroy.test.ts");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-destroy-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function rdoctl(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "test/install/rdoctl-entry.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, RDOCTL_HOME: path.join(tmp, "home"), CI: "true" },
    input: "",
    encoding: "utf8",
    timeout: 300_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.runIf(!engineMissing)("rdoctl destroy", () => {
  const inventory = path.join(ROOT, "inventories", "three-node.yaml");

  it("names every host as kept before anything else; a cloud with no day-1 state has nothing to remove (exit 0, was exit 5: terraform state list without a state file)", () => {
    const r = rdoctl(["destroy", inventory]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const lines = r.stdout.split("\n");
    for (const [i, host] of ["controller", "network", "compute1"].entries()) {
      expect(lines[i]).toMatch(new RegExp(`^rdoctl destroy three-node: host ${host} \\(192\\.168\\.122\\.\\d+, [a-z, ]+\\): kept — rdoctl did not create it, so destroy never touches it`));
    }
    expect(r.stdout).toMatch(/terraform state ok: nothing/);
    expect(r.stdout).toMatch(/nothing to remove \(no day-1 resource in /);
  }, 300_000);

  it("--json: schema-valid NDJSON, the hosts as info events first, the result envelope last", () => {
    const r = rdoctl(["destroy", inventory, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(invalidEvents(r.stdout)).toEqual([]);
    const events = parseEvents(r.stdout);
    expect(events.slice(0, 3).map((e) => e.type)).toEqual(["info", "info", "info"]);
    expect(String(events[0]!.message)).toMatch(/^host controller .*kept/);
    expect(events[events.length - 1]).toMatchObject({ type: "result", command: "destroy", ok: true, exitCode: 0 });
  }, 300_000);
});
