import { describe, expect, it } from "vitest";
import { answerFileCheck, generateAnswers } from "../../src/packstack/answers";
import { referenceAnswerFile } from "../../src/packstack/catalog";
import { checkAnswerFile } from "../../src/packstack/check";
import { DeterministicSecretSource } from "../../src/packstack/secrets";
import { InventoryError, parseInventory, RELEASES, type InventoryIssue } from "../../src/topology";
import { INVENTORIES, ROOT } from "./helpers";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Issue 9.3 and 9.7b: `packstack:` overrides cannot bypass the model, and `rdoctl validate`
 * (inventory + answerFileCheck) refuses exactly what `rdoctl answers` (generateAnswers) refuses.
 */

const head = "name: lab\nhosts:\n  - {name: aio, address: 10.0.0.10, roles: [controller, compute]}\n";

/** What validate says: every issue at its file position, or [] when valid. */
function validate(text: string): InventoryIssue[] {
  try {
    parseInventory(text, "lab.yaml", { checks: [answerFileCheck] });
    return [];
  } catch (err) {
    if (err instanceof InventoryError) return [...err.issues];
    throw err;
  }
}
const lines = (text: string) => validate(text).map((i) => `${i.line}:${i.column}: ${i.path}: ${i.message}${i.expected ? ` (expected ${i.expected})` : ""}`);

/** What answers says: undefined when it writes the file, else its error. */
function answers(text: string): string | undefined {
  try {
    generateAnswers(parseInventory(text, "lab.yaml"), { secrets: new DeterministicSecretSource("lab") });
    return undefined;
  } catch (err) {
    if (err instanceof InventoryError) return err.message;
    throw err;
  }
}

describe("packstack: overrides", () => {
  it("of a key the model owns are refused, pointing at the model field", () => {
    const text = `${head}services: {neutron: {l2Agent: openvswitch}}\npackstack:\n  CONFIG_NEUTRON_L2_AGENT: ovn\n`;
    expect(lines(text)).toEqual([
      "6:28: packstack.CONFIG_NEUTRON_L2_AGENT: CONFIG_NEUTRON_L2_AGENT is written from services.neutron.l2Agent; an override would bypass the checks that keep it consistent with the rest of the model (expected services.neutron.l2Agent instead of packstack.CONFIG_NEUTRON_L2_AGENT)",
    ]);
    expect(validate(text)[0]!.rule).toBe("packstack-override-owned");
    expect(answers(text)).toMatch(/^lab: packstack\.CONFIG_NEUTRON_L2_AGENT: CONFIG_NEUTRON_L2_AGENT is written from services\.neutron\.l2Agent/);
  });

  it("of a secret are refused: secrets belong in the store (rdoctl secrets set), never in a git-tracked inventory", () => {
    const text = `${head}packstack:\n  CONFIG_KEYSTONE_ADMIN_PW: hunter2hunter2\n`;
    const issues = validate(text);
    expect(issues.map((i) => [i.path, i.rule])).toEqual([["packstack.CONFIG_KEYSTONE_ADMIN_PW", "packstack-override-secret"]]);
    expect(issues[0]!.expected).toBe("no value here; store it with `rdoctl secrets set INVENTORY CONFIG_KEYSTONE_ADMIN_PW` (the cloud's secrets store, mode 0600)");
    expect(issues[0]!.message).not.toContain("hunter2");
    expect(answers(text)).toMatch(/packstack-override-secret|password or key/);
    // PW_PLACEHOLDER would have Packstack draw a new password on every run, out of the store's reach.
    expect(validate(`${head}packstack:\n  CONFIG_KEYSTONE_ADMIN_PW: PW_PLACEHOLDER\n`).map((i) => i.rule)).toEqual(["packstack-override-secret"]);
    expect(answers(`${head}packstack:\n  CONFIG_KEYSTONE_ADMIN_PW: PW_PLACEHOLDER\n`)).toBeDefined();
  });

  it("that Packstack would silently skip under the chosen options are reported", () => {
    const text = `${head}services: {cinder: {backends: [nfs], nfsMounts: ["192.0.2.20:/cinder"]}}\npackstack:\n  CONFIG_CINDER_VOLUME_NAME: vg-cinder\n`;
    expect(lines(text)).toEqual([
      "6:30: packstack.CONFIG_CINDER_VOLUME_NAME: Packstack 2025.1 silently skips CONFIG_CINDER_VOLUME_NAME with this topology (it reads it only when CONFIG_CINDER_INSTALL == 'y' and 'lvm' in CONFIG_CINDER_BACKEND) (expected no override, or the settings that make Packstack read it)",
    ]);
    expect(answers(text)).toBeDefined();
    expect(validate(`${head}packstack:\n  CONFIG_CINDER_VOLUME_NAME: vg-cinder\n`)).toEqual([]);
  });
});

describe("validate refuses what answers refuses", () => {
  it("the schema's own NFS example (a host name: Packstack takes IP addresses only), at the field", () => {
    const text = `${head}services:\n  cinder:\n    backends: [nfs]\n    nfsMounts: [nfs.example.com:/export/cinder]\n`;
    expect(lines(text)).toEqual([
      "7:16: services.cinder.nfsMounts: Packstack 2025.1 would refuse the answer file: Parameter CONFIG_CINDER_NFS_MOUNTS failed validation: The nfs export [nfs.example.com:/export/cinder] is not a valid export - use squares around ipv6 addresses -.",
    ]);
    expect(answers(text)).toBeDefined();
  });

  it("a size Packstack's Cinder step refuses, every refused value at once", () => {
    const text = `${head}services:\n  cinder: {lvmVolumeSize: 20000M}\npackstack:\n  CONFIG_NOVA_SCHED_CPU_ALLOC_RATIO: lots\n`;
    expect(validate(text).map((i) => `${i.path} ${i.rule}`)).toEqual([
      "services.cinder.lvmVolumeSize packstack-value",
      "packstack.CONFIG_NOVA_SCHED_CPU_ALLOC_RATIO packstack-value",
    ]);
  });

  const variants: [string, string][] = [
    ["an owned override", "packstack: {CONFIG_NEUTRON_ML2_TYPE_DRIVERS: 'vlan'}\n"],
    ["a bad value override", "packstack: {CONFIG_NOVA_SCHED_RAM_ALLOC_RATIO: much}\n"],
    ["a skipped override", "packstack: {CONFIG_MANILA_NETAPP_LOGIN: admin}\n"],
    ["a fine override", "packstack: {CONFIG_DEBUG_MODE: 'y'}\n"],
    ["an NFS host name", "services: {cinder: {backends: [nfs], nfsMounts: ['filer:/x']}}\n"],
    ["an NFS address", "services: {cinder: {backends: [nfs], nfsMounts: ['192.0.2.9:/x']}}\n"],
    ["an M size", "services: {cinder: {lvmVolumeSize: 512M}}\n"],
    ["a T size", "services: {cinder: {lvmVolumeSize: 1T}}\n"],
    ["swift in K", "services: {swift: {enabled: true, storageSize: 900K}}\n"],
    ["a secret", "packstack: {CONFIG_NOVA_DB_PW: abcdef12}\n"],
  ];
  it.each(variants)("%s: validate and answers agree", (_, extra) => {
    const text = `${head}${extra}`;
    expect(validate(text).length > 0).toBe(answers(text) !== undefined);
  });

  it.each(INVENTORIES.flatMap((name) => RELEASES.map((release) => [name, release] as const)))("%s for %s: valid and written", (name, release) => {
    const text = readFileSync(join(ROOT, "inventories", `${name}.yaml`), "utf8");
    expect(() => parseInventory(text, `${name}.yaml`, { release, checks: [answerFileCheck] })).not.toThrow();
  });
});

describe("values Packstack would silently replace", () => {
  it("are refused in an inventory, at the field or override", () => {
    const ovnVlan = `${head}services: {neutron: {l2Agent: ovn, typeDrivers: [geneve, vlan, flat], tenantNetworkTypes: [geneve, vlan], vlanRanges: ["extnet:100:200"], bridgeMappings: {extnet: br-ex}}}\n`;
    expect(validate(ovnVlan).map((i) => `${i.path} ${i.rule}`)).toEqual(["services.neutron.tenantNetworkTypes packstack-rewritten"]);
    const vpn = `${head}packstack: {CONFIG_NEUTRON_VPNAAS: "y"}\n`;
    expect(lines(vpn)).toEqual([
      '4:36: packstack.CONFIG_NEUTRON_VPNAAS: Packstack 2025.1 would not use CONFIG_NEUTRON_VPNAAS=y: with CONFIG_NEUTRON_L2_AGENT=ovn Packstack uses "n" instead (VPNaaS is not supported with OVN) (expected what Packstack keeps ("n"))',
    ]);
    expect(answers(vpn)).toBeDefined();
  });

  it("make answers check say the file is not used as written (the issue's L2 agent / mechanism driver mismatch)", () => {
    const text = referenceAnswerFile("2025.1").replace("CONFIG_NEUTRON_ML2_MECHANISM_DRIVERS=ovn", "CONFIG_NEUTRON_ML2_MECHANISM_DRIVERS=openvswitch");
    const result = checkAnswerFile(text, "2025.1");
    expect(result.outcome).toBe("accepted-with-ignored");
    expect(result.errors.map((e) => [e.code, e.effect, e.message])).toEqual([
      ["rewritten", "misread", 'CONFIG_NEUTRON_ML2_MECHANISM_DRIVERS=openvswitch is not what Packstack uses: with CONFIG_NEUTRON_L2_AGENT=ovn Packstack uses "ovn" instead (the OVN L2 agent needs the ovn mechanism driver)'],
    ]);
    // Packstack's own defaults are not reported, even where it rewrites them (metering y with OVN).
    expect(checkAnswerFile(referenceAnswerFile("2025.1"), "2025.1").outcome).toBe("accepted");
    expect(checkAnswerFile(text.replace("CONFIG_NEUTRON_ML2_MECHANISM_DRIVERS=openvswitch", "CONFIG_NEUTRON_ML2_MECHANISM_DRIVERS=ovn,l2population"), "2025.1").outcome).toBe("accepted");
  });
});
