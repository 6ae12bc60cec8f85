import { describe, expect, it } from "vitest";
import { loadCatalog, packstackDataDir, parseRelease } from "../../src/packstack/catalog";
import { loadAnswers } from "../../src/packstack/load";
import { compileExpression, evaluateFunctionPreCondition, namesRead } from "../../src/packstack/preconditions";
import { PROCESSORS } from "../../src/packstack/processors";
import { VALIDATORS } from "../../src/packstack/validators";
import { RELEASES } from "../../src/topology/model";

describe("catalogs", () => {
  it("are found from the source tree and cached per release", () => {
    expect(packstackDataDir()).toMatch(/data[/\\]packstack$/);
    expect(loadCatalog("2024.1")).toBe(loadCatalog("2024.1"));
    expect(() => parseRelease("2026.1")).toThrow('unknown release "2026.1"; rdoctl supports 2023.1 (antelope), 2023.2 (bobcat), 2024.1 (caracal), 2024.2 (dalmatian), 2025.1 (epoxy), master (flamingo)');
  });

  it("release codenames are aliases of their versions, in any case", () => {
    expect(parseRelease("epoxy")).toBe("2025.1");
    expect(parseRelease("Dalmatian")).toBe("2024.2");
    expect(parseRelease("flamingo")).toBe("master");
    expect(parseRelease("2023.1")).toBe("2023.1");
  });

  it.each(RELEASES)("%s: every validator and processor it names is implemented", (release) => {
    const catalog = loadCatalog(release);
    const validators = new Set(catalog.params.flatMap((p) => p.validators));
    const processors = new Set(catalog.params.flatMap((p) => p.processors));
    expect([...validators].filter((v) => !(v in VALIDATORS))).toEqual([]);
    expect([...processors].filter((p) => !(p in PROCESSORS))).toEqual([]);
    expect(catalog.orderedParams).toHaveLength(catalog.params.length);
  });

  it.each(RELEASES)("%s: every group pre-condition is understood and reads what the catalog says", (release) => {
    const catalog = loadCatalog(release);
    const kinds = new Set<string>();
    for (const group of catalog.groups) {
      const condition = group.pre_condition;
      kinds.add(condition.kind);
      if (condition.kind === "function") {
        expect(() => compileExpression(condition.expression), group.name).not.toThrow();
        expect(new Set(namesRead(condition.expression)), group.name).toEqual(new Set(condition.reads));
      } else if (condition.kind === "param") {
        expect(catalog.byName.has(condition.param), group.name).toBe(true);
      } else {
        expect(condition.kind).toBe("always");
      }
    }
    expect([...kinds].sort()).toEqual(["always", "function", "param"]);
  });
});

describe("pre-conditions", () => {
  const condition = (expression: string) => ({ kind: "function" as const, function: "f", equals: true, expression, reads: [] });
  const config = (values: Record<string, string>) => new Map(Object.entries(values));

  it("tests 'x' in VALUE as a substring of the raw comma-separated string", () => {
    const lvm = condition("CONFIG_CINDER_INSTALL == 'y' and 'lvm' in CONFIG_CINDER_BACKEND");
    expect(evaluateFunctionPreCondition(lvm, config({ CONFIG_CINDER_INSTALL: "y", CONFIG_CINDER_BACKEND: "nfs,lvm" }))).toBe(true);
    expect(evaluateFunctionPreCondition(lvm, config({ CONFIG_CINDER_INSTALL: "y", CONFIG_CINDER_BACKEND: "xlvmx" }))).toBe(true);
    expect(evaluateFunctionPreCondition(lvm, config({ CONFIG_CINDER_INSTALL: "y", CONFIG_CINDER_BACKEND: "nfs" }))).toBe(false);
  });

  it("short-circuits like Python and raises KeyError for values not loaded yet", () => {
    const lvm = condition("CONFIG_CINDER_INSTALL == 'y' and 'lvm' in CONFIG_CINDER_BACKEND");
    expect(evaluateFunctionPreCondition(lvm, config({ CONFIG_CINDER_INSTALL: "n" }))).toBe(false);
    expect(() => evaluateFunctionPreCondition(lvm, config({ CONFIG_CINDER_INSTALL: "y" }))).toThrow("'CONFIG_CINDER_BACKEND'");
  });

  it("reads with config.get inside 'is non-empty' and uses the stated value when unset", () => {
    expect(evaluateFunctionPreCondition(condition("(CONFIG_RH_USER or CONFIG_RH_SAT6_SERVER) is non-empty"), config({}))).toBe(false);
    expect(evaluateFunctionPreCondition(condition("(CONFIG_RH_USER or CONFIG_RH_SAT6_SERVER) is non-empty"), config({ CONFIG_RH_SAT6_SERVER: "s" }))).toBe(true);
    expect(evaluateFunctionPreCondition(condition("CONFIG_PROVISION_DEMO ('n' when unset) == 'y'"), config({}))).toBe(false);
    expect(
      evaluateFunctionPreCondition(
        condition("(CONFIG_CINDER_INSTALL == 'y' and 'netapp' in CONFIG_CINDER_BACKEND) and CONFIG_CINDER_NETAPP_STORAGE_FAMILY in ['ontap_cluster', 'ontap_7mode']"),
        config({ CONFIG_CINDER_INSTALL: "y", CONFIG_CINDER_BACKEND: "netapp", CONFIG_CINDER_NETAPP_STORAGE_FAMILY: "ontap_7mode" }),
      ),
    ).toBe(true);
  });

  it("a 'param' pre-condition reads its parameter even when that parameter's group is off", () => {
    // Ceilometer off: its group is skipped, yet REDIS is read because the coordination backend defaults to redis.
    const catalog = loadCatalog("2025.1");
    const values: Record<string, string> = { CONFIG_CEILOMETER_INSTALL: "n", CONFIG_AODH_INSTALL: "n", CONFIG_REDIS_PORT: "not-a-port" };
    const result = loadAnswers(catalog, (k) => values[k]);
    expect(result.skippedGroups).toContain("CEILOMETER");
    expect(result.failure?.message).toBe("Parameter CONFIG_REDIS_PORT failed validation: Given value is not an integer: not-a-port");
  });

  it("skips a group whose pre-condition is false: a bad value there passes", () => {
    const catalog = loadCatalog("2025.1");
    const values: Record<string, string> = { CONFIG_MANILA_INSTALL: "n", CONFIG_MANILA_BACKEND: "bogus" };
    const result = loadAnswers(catalog, (k) => values[k]);
    expect(result.failure).toBeUndefined();
    expect(result.skippedGroups).toContain("MANILA");
    expect(result.config.has("CONFIG_MANILA_BACKEND")).toBe(false);
  });
});
