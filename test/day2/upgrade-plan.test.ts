import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv from "ajv";
import { afterAll, describe, expect, it } from "vitest";
import { formatUpgradePlan, planUpgrade, refusal } from "../../src/day2/upgrade-plan";
import { loadTopology } from "../../src/topology/load";
import { rdoctl } from "../packstack/helpers";

const ROOT = path.resolve(__dirname, "../..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-upgrade-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** inventories/three-node.yaml at another release, with edits. */
function inventory(release: string, edit: (text: string) => string = (t) => t): string {
  const text = fs.readFileSync(path.join(ROOT, "inventories", "three-node.yaml"), "utf8").replace(/^release: .*$/m, `release: "${release}"`);
  const file = path.join(tmp, `three-node-${release}-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, edit(text));
  return file;
}

describe("upgrade paths (data/upgrade.json)", () => {
  it("the next release is supported; a skip names the releases in between and the path; downgrades, the same release and master are refused", () => {
    expect(refusal("2024.2", "2025.1")).toBeUndefined();
    expect(refusal("2023.1", "2023.2")).toBeUndefined();
    expect(refusal("2024.1", "2025.1")).toMatch(/^2024\.1 to 2025\.1 skips 2024\.2: RDO upgrades one release at a time .* upgrade through 2024\.1 → 2024\.2 → 2025\.1/);
    expect(refusal("2023.1", "2025.1")).toMatch(/skips 2023\.2, 2024\.1, 2024\.2/);
    expect(refusal("2025.1", "2024.2")).toMatch(/is a downgrade/);
    expect(refusal("2025.1", "2025.1")).toMatch(/already runs 2025\.1: nothing to upgrade/);
    expect(refusal("2025.1", "master")).toMatch(/development branch, not an RDO release/);
  });
});

describe("planUpgrade", () => {
  it("2024.2 → 2025.1 for a three-node cloud: repository, this cloud's answer-file changes, ordered steps on the cloud's hosts", () => {
    const plan = planUpgrade(loadTopology(inventory("2024.2")), "2025.1");
    expect(plan.repository).toEqual({ from: "centos-release-openstack-dalmatian", to: "centos-release-openstack-epoxy" });
    expect(plan.blockers).toEqual([]);
    // What Packstack 2025.1 no longer has shows as removed from this cloud's file.
    expect(plan.answerFile).toEqual(expect.arrayContaining([{ key: "CONFIG_NEUTRON_LB_INTERFACE_MAPPINGS", change: "removed", from: "" }]));
    expect(plan.catalog.filter((c) => c.change === "removed").map((c) => c.key)).toContain("CONFIG_NEUTRON_LB_INTERFACE_MAPPINGS");
    const ids = plan.steps.map((s) => s.id);
    expect(ids.indexOf("backup")).toBeLessThan(ids.indexOf("stop"));
    expect(ids.indexOf("repository")).toBeLessThan(ids.indexOf("schemas"));
    expect(ids.indexOf("schemas")).toBeLessThan(ids.indexOf("controller-start"));
    expect(ids.indexOf("controller-start")).toBeLessThan(ids.indexOf("computes"));
    expect(plan.steps.find((s) => s.id === "repository")).toMatchObject({
      hosts: ["controller", "network", "compute1"],
      commands: ["dnf remove -y centos-release-openstack-dalmatian", "dnf install -y centos-release-openstack-epoxy"],
    });
    expect(plan.steps.find((s) => s.id === "computes")!.hosts).toEqual(["compute1"]);
    expect(plan.steps.find((s) => s.id === "network")!.hosts).toEqual(["network"]);
    expect(plan.steps.find((s) => s.id === "backup")!.hosts).toEqual(["controller"]);
    const text = formatUpgradePlan(plan);
    expect(text).toContain("repository: centos-release-openstack-dalmatian → centos-release-openstack-epoxy");
    expect(text).toMatch(/  - CONFIG_NEUTRON_LB_INTERFACE_MAPPINGS/);
  });

  it("an option the new release drops that the inventory uses (linuxbridge, gone in 2025.1) is a blocker at its field", () => {
    const plan = planUpgrade(loadTopology(inventory("2024.2", (t) => t.replace("l2Agent: ovn", "l2Agent: linuxbridge"))), "2025.1");
    expect(plan.blockers.length).toBeGreaterThan(0);
    expect(plan.blockers.every((b) => b.path === "services.neutron.l2Agent")).toBe(true);
    expect(plan.blockers.map((b) => b.message).join("\n")).toMatch(/CONFIG_NEUTRON_L2_AGENT .*linuxbridge/);
    expect(plan.answerFile).toBeUndefined();
  });

  it("keys renamed between releases come from the new catalog's deprecated names", () => {
    for (const [from, to] of [["2023.1", "2023.2"], ["2023.2", "2024.1"], ["2024.1", "2024.2"], ["2024.2", "2025.1"]] as const) {
      const plan = planUpgrade(loadTopology(inventory(from)), to);
      for (const r of plan.renamed) expect(r.from).not.toBe(r.to);
    }
  });

  it("never shows a secret: both sides use the same stand-in secrets", () => {
    const plan = planUpgrade(loadTopology(inventory("2024.2")), "2025.1");
    expect(plan.answerFile!.filter((c) => /_PW$|PASSWORD|SECRET/.test(c.key))).toEqual([]);
  });
});

describe("rdoctl upgrade plan (CLI)", () => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, "schema", "cli-output.schema.json"), "utf8")));

  it("prints the plan (exit 0); --json is the envelope with the plan", async () => {
    const file = inventory("2024.2");
    const text = await rdoctl("upgrade", "plan", file, "--to", "epoxy");
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^cloud three-node: RDO 2024\.2 \(dalmatian\) → 2025\.1 \(epoxy\)/);
    const json = await rdoctl("upgrade", "plan", file, "--to", "2025.1", "--json");
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(validate(out) ? [] : validate.errors).toEqual([]);
    expect(out).toMatchObject({ command: "upgrade plan", ok: true, exitCode: 0, plan: { from: "2024.2", to: "2025.1", blockers: [] } });
  });

  it("a skip is refused in one line with the reason and the path, exit 1; with --json as an issue", async () => {
    const file = inventory("2024.1");
    const r = await rdoctl("upgrade", "plan", file, "--to", "2025.1");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^rdoctl: upgrade plan refused: 2024\.1 to 2025\.1 skips 2024\.2: .*2024\.1 → 2024\.2 → 2025\.1/)]);
    const json = await rdoctl("upgrade", "plan", file, "--to", "2025.1", "--json");
    const out = JSON.parse(json.stdout);
    expect(validate(out) ? [] : validate.errors).toEqual([]);
    expect(out).toMatchObject({ command: "upgrade plan", ok: false, exitCode: 1 });
    expect(out.issues[0].message).toMatch(/skips 2024\.2/);
  });

  it("blockers: the plan is shown, exit 1, each blocker an issue at its inventory field", async () => {
    const file = inventory("2024.2", (t) => t.replace("l2Agent: ovn", "l2Agent: linuxbridge"));
    const r = await rdoctl("upgrade", "plan", file, "--to", "2025.1");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("the inventory uses what 2025.1 refuses (change these first):");
    const json = await rdoctl("upgrade", "plan", file, "--to", "2025.1", "--json");
    const out = JSON.parse(json.stdout);
    expect(validate(out) ? [] : validate.errors).toEqual([]);
    expect(out).toMatchObject({ ok: false, exitCode: 1, issues: expect.arrayContaining([expect.objectContaining({ rule: "upgrade-blocker", path: "services.neutron.l2Agent" })]) });
  });

  it("an unknown release is a usage error naming the supported ones", async () => {
    const r = await rdoctl("upgrade", "plan", inventory("2024.2"), "--to", "zed");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown release "zed"; rdoctl supports 2023\.1 \(antelope\)/);
  });
});
