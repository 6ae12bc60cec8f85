import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { generateAnswers, isSecretParam } from "../../src/packstack/answers";
import { loadCatalog, packstackDataDir, referenceAnswerFile } from "../../src/packstack/catalog";
import { diffAnswerFiles, diffReleases, formatDiff, hasDifferences } from "../../src/packstack/diff";
import { detectRelease, importAnswerFile } from "../../src/packstack/import";
import { DeterministicSecretSource } from "../../src/packstack/secrets";
import { valuesOfRenderedFile } from "../../src/packstack/writer";
import { parseInventory } from "../../src/topology/inventory";
import { resolveTopology } from "../../src/topology/resolve";
import { RELEASES, type Release } from "../../src/topology/model";
import { INVENTORIES, inventory, ROOT } from "./helpers";

/** Values except passwords and keys. */
function withoutSecrets(values: Readonly<Record<string, string>>, release: Release): Record<string, string> {
  const catalog = loadCatalog(release);
  return Object.fromEntries(Object.entries(values).filter(([k]) => !isSecretParam(catalog.byName.get(k)!)));
}

describe("answers import", () => {
  it.each(RELEASES)("Packstack %s's reference file → inventory → the same values (secrets aside)", (release) => {
    const original = valuesOfRenderedFile(referenceAnswerFile(release));
    const imported = importAnswerFile(referenceAnswerFile(release), { release, source: `answers-${release}.txt` });
    // The YAML is a valid inventory by the topology's own rules, and it carries no secret.
    const topology = parseInventory(imported.yaml, "imported.yaml");
    for (const secret of Object.values(imported.secrets)) expect(imported.yaml).not.toContain(secret);
    const regenerated = generateAnswers(topology, { release, secrets: new DeterministicSecretSource("x") }).values;
    expect(withoutSecrets(regenerated, release)).toEqual(withoutSecrets(original, release));
    expect(imported.spec.hosts).toEqual([{ name: "controller", address: "192.0.2.10", roles: ["controller", "network", "compute", "storage"] }]);
    expect(imported.spec.domain).toBe("example.com");
    // Packstack's own default (%{::default_hypervisor}) is the model's libvirtType auto, not an override.
    expect(imported.overrideKeys).toEqual([]);
    expect(imported.spec.services?.nova?.libvirtType).toBe("auto");
  });

  it.each(INVENTORIES)("a generated %s file imports back to the same values with no overrides", (name) => {
    const file = generateAnswers(inventory(name), { secrets: new DeterministicSecretSource(name) });
    const imported = importAnswerFile(file.text, { source: `${name}.txt` });
    expect(imported.release).toBe("2025.1");
    expect(imported.overrideKeys).toEqual([]);
    const again = generateAnswers(parseInventory(imported.yaml, "x.yaml"), { secrets: new DeterministicSecretSource(name) });
    expect(again.values).toEqual(file.values);
    expect(Object.keys(imported.secrets).sort()).toEqual(file.secretKeys.filter((k) => file.values[k] !== "" && file.values[k] !== "PW_PLACEHOLDER").sort());
  });

  it("carries values the model does not cover as packstack overrides, and hosts by role", () => {
    const text = referenceAnswerFile("2024.2")
      .replace("CONFIG_COMPUTE_HOSTS=192.0.2.10", "CONFIG_COMPUTE_HOSTS=192.0.2.21,192.0.2.22")
      .replace("CONFIG_NETWORK_HOSTS=192.0.2.10", "CONFIG_NETWORK_HOSTS=192.0.2.11")
      .replace("CONFIG_KEYSTONE_REGION=RegionOne", "CONFIG_KEYSTONE_REGION=Lab")
      .replace("CONFIG_NEUTRON_L2_AGENT=ovn", "CONFIG_NEUTRON_L2_AGENT=openvswitch")
      .replace("CONFIG_NEUTRON_ML2_MECHANISM_DRIVERS=ovn", "CONFIG_NEUTRON_ML2_MECHANISM_DRIVERS=openvswitch");
    const imported = importAnswerFile(text, { release: "2024.2", name: "lab" });
    expect(imported.spec.hosts.map((h) => [h.name, h.address, h.roles.join("+")])).toEqual([
      ["controller", "192.0.2.10", "controller+storage"],
      ["network1", "192.0.2.11", "network"],
      ["compute1", "192.0.2.21", "compute"],
      ["compute2", "192.0.2.22", "compute"],
    ]);
    expect(imported.spec.packstack).toMatchObject({ CONFIG_KEYSTONE_REGION: "Lab" });
    const again = generateAnswers(parseInventory(imported.yaml, "x.yaml"), { secrets: new DeterministicSecretSource("lab") }).values;
    expect(withoutSecrets(again, "2024.2")).toEqual(withoutSecrets(valuesOfRenderedFile(text), "2024.2"));
  });

  it("names hosts given as names after them, and reports what rdoctl's own rules find", () => {
    const text = referenceAnswerFile("2025.1")
      .replace(/192\.0\.2\.10/g, "ctl.lab.example.org")
      .replace("CONFIG_COMPUTE_HOSTS=ctl.lab.example.org", "CONFIG_COMPUTE_HOSTS=cmp1.lab.example.org,cmp2.lab.example.org")
      .replace("CONFIG_PROVISION_DEMO_ALLOCATION_POOLS=[]", 'CONFIG_PROVISION_DEMO_ALLOCATION_POOLS=["start=172.24.4.10,end=172.24.4.20"]');
    const imported = importAnswerFile(text, { release: "2025.1", name: "lab" });
    expect(imported.spec.hosts.map((h) => h.name)).toEqual(["controller", "cmp1", "cmp2"]);
    expect(imported.spec.externalNetwork).toEqual({
      physicalNetwork: "extnet",
      bridge: "br-ex",
      cidr: "172.24.4.0/24",
      gateway: "172.24.4.1",
      allocationPool: { start: "172.24.4.10", end: "172.24.4.20" },
    });
    expect(imported.issues).toHaveLength(1);
    expect(imported.issues[0]).toMatch(/^<imported inventory>: externalNetwork: no physical interface is plugged into the external bridge "br-ex"/);
    const again = generateAnswers(resolveTopology(imported.spec), { secrets: new DeterministicSecretSource("lab") }).values;
    expect(withoutSecrets(again, "2025.1")).toEqual(withoutSecrets(valuesOfRenderedFile(text), "2025.1"));
  });

  it("refuses a file its release would reject", () => {
    expect(() => importAnswerFile(referenceAnswerFile("2025.1").replace("CONFIG_CINDER_BACKEND=lvm", "CONFIG_CINDER_BACKEND=nfs"), { source: "bad.txt" })).toThrow(
      "bad.txt: Packstack 2025.1 would reject this file (Parameter CONFIG_CINDER_NFS_MOUNTS failed validation: The nfs export [] is not a valid export - use squares around ipv6 addresses -.); fix it first (rdoctl answers check)",
    );
  });

  it("detects the release from an rdoctl header, else from the keys", () => {
    const file = generateAnswers(inventory("all-in-one"), { release: "2024.1", secrets: new DeterministicSecretSource("a") });
    expect(detectRelease(file.text)).toBe("2024.1");
    expect(detectRelease(referenceAnswerFile("2024.2"))).toBe("2024.2");
    expect(detectRelease(referenceAnswerFile("2023.2"))).toBe("2023.2");
  });
});

/** The README's "Differences between releases" tables, parsed. */
function readmeDifferences(): { summary: Map<string, [number, number, number]>; rows: Map<string, string[][]> } {
  const readme = fs.readFileSync(path.join(packstackDataDir(), "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Differences between releases"));
  const summary = new Map<string, [number, number, number]>();
  for (const m of section.matchAll(/^\| (\S+) → (\S+) \| (\d+) \| (\d+) \| (\d+) \|$/gm)) summary.set(`${m[1]}→${m[2]}`, [Number(m[3]), Number(m[4]), Number(m[5])]);
  const rows = new Map<string, string[][]>();
  for (const block of section.split(/^### /m).slice(1)) {
    const title = /^(\S+) → (\S+)/.exec(block)!;
    const table = [...block.matchAll(/^\| `([A-Z0-9_]+)` \| (\w+) \| (.*) \| (.*) \|$/gm)].map((m) => [m[1]!, m[2]!, m[3]!, m[4]!]);
    rows.set(`${title[1]}→${title[2]}`, table);
  }
  return { summary, rows };
}

describe("answers diff", () => {
  const { summary, rows } = readmeDifferences();
  const pairs = RELEASES.slice(1).map((to, i) => [RELEASES[i]!, to] as const);

  it.each(pairs)("%s → %s matches the README's table", (from, to) => {
    const diff = diffReleases(from, to);
    const added = diff.changes.filter((c) => c.change === "added").length;
    const removed = diff.changes.filter((c) => c.change === "removed").length;
    expect([added, removed, diff.changes.length - added - removed]).toEqual(summary.get(`${from}→${to}`));
    const expected = rows.get(`${from}→${to}`) ?? [];
    expect(diff.changes.map((c) => [c.key, c.change])).toEqual(expected.map((r) => [r[0], r[1]]));
    diff.changes.forEach((change, i) => {
      const [, , before, after] = expected[i]!;
      const shown = (value: string | undefined) => (value === undefined ? "-" : value === "" ? "''" : value);
      for (const [mine, theirs] of [[shown(change.from), before!], [shown(change.to), after!]] as const) {
        if (theirs.endsWith("…")) expect(mine.startsWith(theirs.slice(0, -1))).toBe(true);
        else expect(mine).toBe(theirs);
      }
    });
  });

  it("2023.2 → 2024.1 removes the four Sahara keys", () => {
    const removed = diffReleases("2023.2", "2024.1").changes.filter((c) => c.change === "removed").map((c) => c.key);
    expect(removed).toEqual(["CONFIG_SAHARA_INSTALL", "CONFIG_SAHARA_HOST", "CONFIG_SAHARA_DB_PW", "CONFIG_SAHARA_KS_PW"]);
    expect(formatDiff(diffReleases("2023.1", "2023.2"))).toBe("2023.1 → 2023.2: no differences\n");
  });

  it("counts read as English and say whether there is any difference (the exit status)", () => {
    expect(formatDiff(diffReleases("2024.1", "2024.2")).split("\n")[0]).toBe("2024.1 → 2024.2: 1 removed key, 2 keys with other choices");
    expect(hasDifferences(diffReleases("2024.1", "2024.2"))).toBe(true);
    expect(hasDifferences(diffReleases("2023.1", "2023.2"))).toBe(false);
    const a = referenceAnswerFile("2025.1");
    const b = a.replace("CONFIG_DEBUG_MODE=n", "CONFIG_DEBUG_MODE=y").replace("CONFIG_NTP_SERVERS=", "CONFIG_NTP_SERVERS=192.0.2.1");
    expect(formatDiff(diffAnswerFiles(a, "a", b, "b")).split("\n")[0]).toBe("a → b: 2 changed values");
    expect(hasDifferences(diffAnswerFiles(a, "a", a, "a"))).toBe(false);
  });

  it("compares two answer files without showing secrets", () => {
    const a = generateAnswers(inventory("all-in-one"), { release: "2024.2", secrets: new DeterministicSecretSource("a") });
    const b = generateAnswers(inventory("all-in-one"), { release: "2025.1", secrets: new DeterministicSecretSource("b") });
    const diff = diffAnswerFiles(a.text, "a.txt", b.text, "b.txt");
    expect(diff.changes.filter((c) => c.change === "removed").map((c) => c.key)).toEqual(["CONFIG_NEUTRON_LB_INTERFACE_MAPPINGS", "CONFIG_CEILOMETER_SERVICE_NAME"]);
    expect(diff.changes.find((c) => c.key === "CONFIG_MARIADB_PW")).toEqual({ key: "CONFIG_MARIADB_PW", change: "value", from: "(secret)", to: "(another secret)" });
    const table = formatDiff(diff);
    for (const key of b.secretKeys) if (b.values[key]) expect(table).not.toContain(b.values[key]);
  });
});

describe("answers import: the $schema comment", () => {
  const header = (outFile?: string) =>
    importAnswerFile(referenceAnswerFile("2025.1"), { release: "2025.1", source: "a.txt", ...(outFile ? { outFile } : {}) }).yaml.split("\n")[0];

  it("points at the schema from where the inventory is written", () => {
    expect(header(path.join(ROOT, "inventories", "lab.yaml"))).toBe("# yaml-language-server: $schema=../schema/inventory.schema.json");
    expect(header(path.join(ROOT, "lab.yaml"))).toBe("# yaml-language-server: $schema=./schema/inventory.schema.json");
    expect(header(path.join(ROOT, "test", "x", "lab.yaml"))).toBe("# yaml-language-server: $schema=../../schema/inventory.schema.json");
    // Outside rdoctl's tree: the absolute path, which survives moving either.
    expect(header("/tmp/elsewhere/lab.yaml")).toBe(`# yaml-language-server: $schema=${path.join(ROOT, "schema", "inventory.schema.json")}`);
  });

  it("resolves to the schema file", () => {
    const out = path.join(ROOT, "test", "packstack", "fixtures", "lab.yaml");
    const reference = header(out)!.replace("# yaml-language-server: $schema=", "");
    expect(fs.existsSync(path.resolve(path.dirname(out), reference))).toBe(true);
  });
});

describe("answers import: secrets Packstack derives", () => {
  it("a Trove Nova password unlike Trove's Keystone one is reported, never a crash or an override", () => {
    const text = generateAnswers(inventory("all-in-one"), { secrets: new DeterministicSecretSource("t") })
      .text.replace(/^CONFIG_TROVE_KS_PW=.*$/m, "CONFIG_TROVE_KS_PW=1111111111111111")
      .replace(/^CONFIG_TROVE_NOVA_PW=.*$/m, "CONFIG_TROVE_NOVA_PW=2222222222222222");
    const imported = importAnswerFile(text, { source: "t.txt" });
    expect(imported.overrideKeys).toEqual([]);
    expect(imported.issues).toEqual([
      "CONFIG_TROVE_NOVA_PW: the file's value is not kept; the inventory gives the value Packstack itself uses (CONFIG_TROVE_KS_PW, as the Nova user is trove)",
    ]);
    expect(imported.yaml).not.toContain("2222222222222222");
  });
});
