import { describe, expect, it } from "vitest";
import { Testing, TerraformStack } from "../../src/cdktf";
import { OpenStackCloud, Project } from "../../src/cloud";
import defaults from "../../src/cloud/data/quota-defaults.json";
import { resourcesOf, synth, withoutMetadata, problemsAfter } from "./synth";

function stackWith(build: (stack: TerraformStack) => void) {
  const stack = new TerraformStack(Testing.app(), "quotas");
  new OpenStackCloud(stack, "cloud", { cloud: "lab" });
  build(stack);
  return synth(stack);
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const snakeKeys = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [snake(k), v]));

describe("project quotas", () => {
  it("completes a partly given quota set from OpenStack defaults: nothing left to zero-fill", () => {
    const out = stackWith((s) => {
      new Project(s, "p", { name: "p", quotas: { compute: { cores: 8, instances: 0 }, network: { router: 2 }, volume: { gigabytes: 50 } } });
    });
    const [[, compute]] = resourcesOf(out, "openstack_compute_quotaset_v2") as [[string, Record<string, unknown>]];
    const { project_id: computeProject, ...computeValues } = withoutMetadata(compute);
    expect(computeProject).toMatch(/^\$\{openstack_identity_project_v3\.p_project_[A-F0-9]+\.id\}$/);
    expect(computeValues).toEqual({ ...snakeKeys(defaults.compute), cores: 8, instances: 0 });

    const [[, network]] = resourcesOf(out, "openstack_networking_quota_v2") as [[string, Record<string, unknown>]];
    const { project_id: _n, ...networkValues } = withoutMetadata(network);
    void _n;
    expect(networkValues).toEqual({ ...snakeKeys(defaults.network), router: 2 });

    const [[, volume]] = resourcesOf(out, "openstack_blockstorage_quotaset_v3") as [[string, Record<string, unknown>]];
    const { project_id: _v, ...volumeValues } = withoutMetadata(volume);
    void _v;
    expect(volumeValues).toEqual({ ...snakeKeys(defaults.volume), gigabytes: 50 });

    // The only zero is the one asked for.
    const zeros = [computeValues, networkValues, volumeValues].flatMap((v) => Object.entries(v).filter(([, n]) => n === 0));
    expect(zeros).toEqual([["instances", 0]]);
  });

  it("writes only the given values in given-only mode, and no resource for untouched services", () => {
    const out = stackWith((s) => {
      new Project(s, "p", { name: "p", quotas: { compute: { ram: 4096 } }, quotaFill: "given-only" });
    });
    expect(Testing.toHaveResourceWithProperties(out.text, "openstack_compute_quotaset_v2", { ram: 4096 })).toBe(true);
    const [[, compute]] = resourcesOf(out, "openstack_compute_quotaset_v2") as [[string, Record<string, unknown>]];
    expect(Object.keys(withoutMetadata(compute)).sort()).toEqual(["project_id", "ram"]);
    expect(resourcesOf(out, "openstack_networking_quota_v2")).toEqual([]);
    expect(resourcesOf(out, "openstack_blockstorage_quotaset_v3")).toEqual([]);
  });

  it("makes no quota resource for a project without quotas", () => {
    const out = stackWith((s) => new Project(s, "p", { name: "p" }));
    for (const type of ["openstack_compute_quotaset_v2", "openstack_networking_quota_v2", "openstack_blockstorage_quotaset_v3"]) {
      expect(resourcesOf(out, type)).toEqual([]);
    }
  });

  it("rejects impossible and unknown quotas with the construct path", () => {
    expect(() => stackWith((s) => new Project(s, "p", { name: "p", quotas: { compute: { cores: -5 } } }))).toThrow(
      /\[quotas\/p\/quotas\] compute quota cores is -5; expected an integer ≥ 0, or -1 for unlimited/,
    );
    expect(() =>
      stackWith((s) => new Project(s, "p", { name: "p", quotas: { network: { floatingips: 3 } as unknown as { floatingip: number } } })),
    ).toThrow(/unknown network quota floatingips; expected one of .*floatingip/);
  });
});
