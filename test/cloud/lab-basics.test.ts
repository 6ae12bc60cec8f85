// lab-basics: who owns the m1 flavors, and where CirrOS comes from.
import { describe, expect, it } from "vitest";
import { Testing } from "../../src/cdktf";
import * as path from "node:path";
import { loadInventory } from "../../src/topology";
import { cirrosSourceFromEnv, LabBasicsStack, packstackMakesFlavors } from "../../stacks/lab-basics";
import { resourcesOf, synth } from "./synth";

const M1 = ["m1.large", "m1.medium", "m1.small", "m1.tiny", "m1.xlarge"];

const ALL_IN_ONE = loadInventory(path.join(__dirname, "..", "..", "inventories", "all-in-one.yaml"));

function topology(packstack: Record<string, string> = {}) {
  return { ...ALL_IN_ONE, packstack: { ...ALL_IN_ONE.packstack, ...packstack } };
}

function flavorNames(stack: LabBasicsStack) {
  const out = synth(stack);
  return {
    created: resourcesOf(out, "openstack_compute_flavor_v2").map(([, f]) => f.name).sort(),
    lookedUp: Object.values(out.json.data?.openstack_compute_flavor_v2 ?? {}).map((f) => f.name).sort(),
  };
}

describe("lab-basics flavors", () => {
  it("looks up the m1 flavors Packstack makes (CONFIG_NOVA_MANAGE_FLAVORS=y, its default) instead of creating them again (409)", () => {
    expect(packstackMakesFlavors(topology())).toBe(true);
    expect(flavorNames(new LabBasicsStack(Testing.app(), "lab-basics", { topology: topology() }))).toEqual({ created: [], lookedUp: M1 });
  });

  it("creates them where Packstack does not (CONFIG_NOVA_MANAGE_FLAVORS=n, or no topology), or when told to", () => {
    const off = topology({ CONFIG_NOVA_MANAGE_FLAVORS: "n" });
    expect(packstackMakesFlavors(off)).toBe(false);
    expect(flavorNames(new LabBasicsStack(Testing.app(), "lab-basics", { topology: off }))).toEqual({ created: M1, lookedUp: [] });
    expect(flavorNames(new LabBasicsStack(Testing.app(), "lab-basics"))).toEqual({ created: M1, lookedUp: [] });
    expect(flavorNames(new LabBasicsStack(Testing.app(), "lab-basics", { topology: topology(), flavors: "create" }))).toEqual({ created: M1, lookedUp: [] });
  });
});

describe("lab-basics image source", () => {
  it("takes $RDOCTL_CIRROS_IMAGE as a URL Glance fetches or a local file the provider uploads", () => {
    expect(cirrosSourceFromEnv({})).toBeUndefined();
    expect(cirrosSourceFromEnv({ RDOCTL_CIRROS_IMAGE: "http://127.0.0.1:8080/cirros.img" })).toEqual({ url: "http://127.0.0.1:8080/cirros.img" });
    expect(cirrosSourceFromEnv({ RDOCTL_CIRROS_IMAGE: "/srv/cirros.img" })).toEqual({ file: "/srv/cirros.img" });
  });

  it("uses the given source, else the download URL of stacks/data/cirros.json", () => {
    const local = synth(new LabBasicsStack(Testing.app(), "lab-basics", { cirrosSource: { url: "http://127.0.0.1:8080/c.img", via: "terraform" } }));
    expect(resourcesOf(local, "openstack_images_image_v2")[0]![1]).toMatchObject({ image_source_url: "http://127.0.0.1:8080/c.img", web_download: false });
    const saved = process.env.RDOCTL_CIRROS_IMAGE;
    delete process.env.RDOCTL_CIRROS_IMAGE;
    try {
      const standard = synth(new LabBasicsStack(Testing.app(), "lab-basics"));
      expect(resourcesOf(standard, "openstack_images_image_v2")[0]![1]).toMatchObject({ image_source_url: expect.stringMatching(/^https?:\/\/.*cirros/), web_download: true });
    } finally {
      if (saved !== undefined) process.env.RDOCTL_CIRROS_IMAGE = saved;
    }
  });
});

describe("a stack needing a service the topology does not install", () => {
  it("fails synth naming the construct, the service and the switch, before any apply", async () => {
    const { AppTemplateStack } = await import("../../stacks/app-template");
    const noHeat = { ...ALL_IN_ONE, services: { ...ALL_IN_ONE.services, heat: { enabled: false } } };
    expect(() => synth(new AppTemplateStack(Testing.app(), "app-template", { topology: noHeat }))).toThrow(
      /\[app-template\] app-template\/web-heat needs Heat \(openstack_orchestration_stack_v1\), which topology all-in-one does not install: set services\.heat\.enabled: true in the inventory/,
    );
    const noCinder = { ...ALL_IN_ONE, services: { ...ALL_IN_ONE.services, cinder: { ...ALL_IN_ONE.services.cinder, enabled: false } } };
    expect(() => synth(new LabBasicsStack(Testing.app(), "lab-basics", { topology: noCinder }))).toThrow(/needs Cinder \(openstack_blockstorage_quotaset_v3\)/);
    expect(() => synth(new AppTemplateStack(Testing.app(), "app-template", { topology: ALL_IN_ONE }))).not.toThrow();
  });
});
