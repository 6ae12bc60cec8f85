import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { Journal } from "../../src/install/journal";
import { loadMembers, planScale, planScaleFromState, recordMembers, tunnelSubnetsWarning, type MemberHost } from "../../src/install/scale";
import { validateTopologySpec } from "../../src/topology/validate";
import type { Role, Topology, TopologySpec } from "../../src/topology/model";
import { cloudPaths } from "../../src/workspace";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-scale-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function topology(hosts: Array<[string, string, Role[]]>): Topology {
  const spec: TopologySpec = {
    name: "scaled",
    release: "2025.1",
    hosts: hosts.map(([name, address, roles]) => ({ name, address, roles })),
  };
  return validateTopologySpec(spec);
}

const CONTROLLER: [string, string, Role[]] = ["ctl", "10.0.0.11", ["controller", "network"]];
const C1: [string, string, Role[]] = ["c1", "10.0.0.21", ["compute"]];
const C2: [string, string, Role[]] = ["c2", "10.0.0.22", ["compute"]];
const C3: [string, string, Role[]] = ["c3", "10.0.0.23", ["compute"]];
const members = (t: Topology): MemberHost[] => t.hosts.map((h) => ({ name: h.name, address: h.address, fqdn: h.fqdn, roles: h.roles }));
const settings = (t: Topology): string => t.hosts.map((h) => h.address).join(",");

describe("planScale", () => {
  it("nothing installed: a plain install, no exclusion", () => {
    const t = topology([CONTROLLER, C1]);
    const plan = planScale(t, undefined, undefined, settings);
    expect(plan).toMatchObject({ kind: "install", excluded: [], added: [] });
    expect(plan.answersTopology.packstack.EXCLUDE_SERVERS).toBeUndefined();
  });

  it("new compute hosts: a scale-out with every installed host in EXCLUDE_SERVERS", () => {
    const before = topology([CONTROLLER, C1]);
    const after = topology([CONTROLLER, C1, C2, C3]);
    const plan = planScale(after, members(before), { excluded: [], settingsHash: settings(before) }, settings);
    expect(plan.kind).toBe("out");
    expect(plan.added.map((h) => h.name)).toEqual(["c2", "c3"]);
    expect(plan.excluded).toEqual(["10.0.0.11", "10.0.0.21"]);
    expect(plan.answersTopology.packstack.EXCLUDE_SERVERS).toBe("10.0.0.11,10.0.0.21");
  });

  it("a rerun after the scale-out keeps its EXCLUDE_SERVERS (same answer file, nothing reruns); a settings change drops it", () => {
    const after = topology([CONTROLLER, C1, C2]);
    const last = { excluded: ["10.0.0.11", "10.0.0.21"], settingsHash: settings(after) };
    expect(planScale(after, members(after), last, settings)).toMatchObject({ kind: "rerun", excluded: ["10.0.0.11", "10.0.0.21"] });
    expect(planScale(after, members(after), { ...last, settingsHash: "other" }, settings)).toMatchObject({ kind: "rerun", excluded: [] });
  });

  it("refuses, naming the host and what to do: a new host that is not compute only, a dropped host, a moved host", () => {
    const before = topology([CONTROLLER, C1]);
    expect(() => planScale(topology([CONTROLLER, C1, ["net", "10.0.0.31", ["network"]]]), members(before), undefined, settings, { inventory: "inv.yaml" })).toThrow(
      /^inv\.yaml: net \(roles network\) is new to the installed cloud scaled; only hosts with the compute role alone can be added/,
    );
    expect(() => planScale(topology([CONTROLLER, C2]), members(topology([CONTROLLER, C1, C2])), undefined, settings, { inventory: "inv.yaml" })).toThrow(
      /^inv\.yaml: c1 is installed in cloud scaled but no longer in the inventory; run `rdoctl scale in inv\.yaml` first/,
    );
    expect(planScale(topology([CONTROLLER, C2]), members(topology([CONTROLLER, C1, C2])), undefined, settings, { allowRemoved: true }).removed.map((m) => m.name)).toEqual(["c1"]);
    expect(() => planScale(topology([CONTROLLER, ["c1", "10.0.0.99", ["compute"]]]), members(before), undefined, settings)).toThrow(/c1 is installed at 10\.0\.0\.21, the inventory says 10\.0\.0\.99/);
  });

  it("members.json round trip; without it, the journal's last successful run names the installed hosts", () => {
    const paths = cloudPaths("scaled", tmp);
    const t = topology([CONTROLLER, C1]);
    const journal = Journal.load(paths.journal, "scaled");
    expect(planScaleFromState(t, paths, journal, settings).kind).toBe("install");
    journal.finish("prepare", "ctl", "h");
    journal.finish("prepare", "c1", "h");
    journal.finish("run", "ctl", "h");
    const fromJournal = planScaleFromState(topology([CONTROLLER, C1, C2]), paths, journal, settings);
    expect(fromJournal).toMatchObject({ kind: "out", excluded: ["10.0.0.11", "10.0.0.21"] });
    recordMembers(paths, topology([CONTROLLER, C1, C2]), fromJournal, "hash");
    expect(fs.statSync(path.join(paths.dir, "members.json")).mode & 0o777).toBe(0o600);
    expect(loadMembers(paths)).toMatchObject({ version: 1, hosts: [{ name: "ctl" }, { name: "c1" }, { name: "c2" }], excluded: ["10.0.0.11", "10.0.0.21"], settingsHash: "hash" });
    fs.writeFileSync(path.join(paths.dir, "members.json"), "{");
    expect(() => loadMembers(paths)).toThrow(/members\.json: not valid JSON .* it lists the installed hosts/);
  });
});

describe("rdoctl scale in (CLI, no cloud needed)", () => {
  it("a cloud never installed: one line saying so, exit 1; --json an envelope with the issue", async () => {
    const { main } = await import("../../src/cli/main");
    const inventory = path.resolve(__dirname, "../../inventories/three-node.yaml");
    const run = async (args: string[]) => {
      let stdout = "";
      let stderr = "";
      const out = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
      const err = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
      const home = process.env.RDOCTL_HOME;
      process.env.RDOCTL_HOME = path.join(tmp, "cli-home");
      try {
        return { code: await main(["node", "rdoctl", ...args]), stdout, stderr };
      } finally {
        out.mockRestore();
        err.mockRestore();
        process.env.RDOCTL_HOME = home;
        process.exitCode = undefined;
      }
    };
    const text = await run(["scale", "in", inventory]);
    expect(text.code).toBe(1);
    expect(text.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^rdoctl: cloud three-node is not installed \(no successful Packstack run recorded in .*\); nothing to scale in$/)]);
    const json = await run(["scale", "in", inventory, "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ command: "scale in", ok: false, exitCode: 1, issues: [{ message: expect.stringContaining("is not installed") }] });
  });
});

describe("tunnelSubnetsWarning", () => {
  const out = planScale(topology([CONTROLLER, C1, C2]), members(topology([CONTROLLER, C1])), undefined, settings);
  const file = (extra: string) => `CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES=geneve\nCONFIG_NEUTRON_L2_AGENT=ovn\n${extra}`;
  it("warns on a scale-out with tunnels and no tunnel subnets, naming the key to set", () => {
    expect(tunnelSubnetsWarning(out, file("CONFIG_NEUTRON_OVN_TUNNEL_SUBNETS=\n"))).toMatch(/set packstack\.CONFIG_NEUTRON_OVN_TUNNEL_SUBNETS to the hosts' subnet/);
  });
  it("says nothing with tunnel subnets, without tunnels, or when nothing is added", () => {
    expect(tunnelSubnetsWarning(out, file("CONFIG_NEUTRON_OVN_TUNNEL_SUBNETS=10.0.0.0/24\n"))).toBeUndefined();
    expect(tunnelSubnetsWarning(out, "CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES=vlan\nCONFIG_NEUTRON_L2_AGENT=ovn\n")).toBeUndefined();
    const rerun = planScale(topology([CONTROLLER, C1]), members(topology([CONTROLLER, C1])), undefined, settings);
    expect(tunnelSubnetsWarning(rerun, file(""))).toBeUndefined();
  });
});
