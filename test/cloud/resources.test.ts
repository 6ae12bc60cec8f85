import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Testing, TerraformStack } from "../../src/cdktf";
import { expectStackMatchesSchema } from "../../src/cloud/check/testing";
import { Flavor, Image, Keypair, ObjectContainer, OpenStackCloud, Project, Volume, VolumeType } from "../../src/cloud";
import { onlyResource, resourcesOf, synth, problemsAfter } from "./synth";

function newStack(id: string): TerraformStack {
  const stack = new TerraformStack(Testing.app(), id);
  new OpenStackCloud(stack, "cloud", { cloud: "lab" });
  return stack;
}

describe("images", () => {
  it("lets Glance download URLs itself and checks the MD5 after creation", () => {
    const stack = newStack("img");
    new Image(stack, "cirros", {
      name: "cirros",
      source: { url: "http://download.cirros-cloud.net/0.6.3/cirros-0.6.3-x86_64-disk.img" },
      checksum: "0123456789abcdef0123456789abcdef",
      properties: { os_distro: "cirros" },
    });
    const image = onlyResource(synth(stack), "openstack_images_image_v2");
    expect(image).toMatchObject({ web_download: true, disk_format: "qcow2", container_format: "bare", visibility: "private" });
    expect(image.lifecycle).toEqual({
      postcondition: [
        {
          condition: '${self.checksum == "0123456789abcdef0123456789abcdef"}',
          error_message: "Image cirros: Glance checksum differs from the expected MD5 0123456789abcdef0123456789abcdef.",
        },
      ],
    });
  });

  it("uploads through Terraform on request, or from a local file (absolute path)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-img-"));
    const file = path.join(dir, "disk.raw");
    fs.writeFileSync(file, "");
    const stack = newStack("img2");
    new Image(stack, "a", { name: "a", source: { url: "https://intranet.example/a.img", via: "terraform" } });
    new Image(stack, "b", { name: "b", source: { file: path.relative(process.cwd(), file) }, diskFormat: "raw" });
    const out = synth(stack);
    fs.rmSync(dir, { recursive: true });
    const byName = Object.fromEntries(resourcesOf(out, "openstack_images_image_v2").map(([, i]) => [String(i.name), i]));
    expect(byName.a).toMatchObject({ image_source_url: "https://intranet.example/a.img", web_download: false });
    expect(byName.b).toMatchObject({ local_file_path: file, disk_format: "raw" });
    expect(byName.b).not.toHaveProperty("image_source_url");
  });

  it("rejects a bad checksum, format or URL with the construct path", () => {
    expect(problemsAfter(() => new Image(newStack("i1"), "x", { name: "x", source: { url: "http://h/x" }, checksum: "abc" }))).toMatch(/i1\/x: checksum abc is not an MD5 digest/);
    expect(problemsAfter(() => new Image(newStack("i2"), "x", { name: "x", source: { url: "ftp://h/x" } }))).toMatch(/i2\/x: image URL ftp:\/\/h\/x is not an http\(s\) URL/);
    expect(problemsAfter(() => new Image(newStack("i3"), "x", { name: "x", source: { url: "http://h/x" }, diskFormat: "qcow3" as "qcow2" }))).toMatch(/disk format qcow3 is unknown/);
  });
});

describe("flavors and keypairs", () => {
  it("gives private flavors per-project access and extra specs", () => {
    const stack = newStack("fl");
    const project = new Project(stack, "p", { name: "hpc" });
    new Flavor(stack, "big", { name: "c8.pinned", vcpus: 8, ramMb: 16384, diskGb: 40, isPublic: false, projects: [project], extraSpecs: { "hw:cpu_policy": "dedicated" } });
    const out = synth(stack);
    expect(onlyResource(out, "openstack_compute_flavor_v2")).toMatchObject({ is_public: false, extra_specs: { "hw:cpu_policy": "dedicated" }, ram: 16384 });
    expect(onlyResource(out, "openstack_compute_flavor_access_v2")).toMatchObject({
      flavor_id: expect.stringMatching(/^\$\{openstack_compute_flavor_v2\.big_flavor_[0-9A-F]+\.id\}$/),
      tenant_id: expect.stringMatching(/^\$\{openstack_identity_project_v3\.p_project_[0-9A-F]+\.id\}$/),
    });
    expect(() => expectStackMatchesSchema(out.text)).not.toThrow();
  });

  it("refuses project access on a public flavor and a zero-CPU flavor", () => {
    const stack = newStack("fl2");
    const project = new Project(stack, "p", { name: "p" });
    expect(problemsAfter(() => new Flavor(stack, "f", { name: "f", vcpus: 1, ramMb: 512, diskGb: 1, projects: [project] }))).toMatch(/fl2\/f: flavor f is public; project access \(p\)/);
    expect(problemsAfter(() => new Flavor(stack, "g", { name: "g", vcpus: 0, ramMb: 512, diskGb: 1 }))).toMatch(/fl2\/g: vcpus is 0; expected an integer ≥ 1/);
  });

  it("takes public keys only", () => {
    expect(problemsAfter(() => new Keypair(newStack("k"), "k", { name: "k", publicKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nabc" }))).toMatch(/k\/k: publicKey holds a private key/);
    const stack = newStack("k2");
    new Keypair(stack, "k", { name: "k", publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB lab" });
    expect(onlyResource(synth(stack), "openstack_compute_keypair_v2")).toMatchObject({ name: "k", public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB lab" });
  });
});

describe("storage", () => {
  it("makes volume types on a backend, volumes of a type, and Swift containers", () => {
    const stack = newStack("st");
    const fast = new VolumeType(stack, "fast", { name: "fast", backendName: "lvm" });
    new Volume(stack, "data", { name: "data", sizeGb: 5, volumeType: fast });
    new ObjectContainer(stack, "backups", { name: "backups", versioning: true, readAcl: ".r:*,.rlistings" });
    const out = synth(stack);
    expect(onlyResource(out, "openstack_blockstorage_volume_type_v3")).toMatchObject({ name: "fast", is_public: true, extra_specs: { volume_backend_name: "lvm" } });
    expect(onlyResource(out, "openstack_blockstorage_volume_v3")).toMatchObject({
      size: 5,
      volume_type: expect.stringMatching(/^\$\{openstack_blockstorage_volume_type_v3\.fast_type_[0-9A-F]+\.name\}$/),
    });
    expect(onlyResource(out, "openstack_objectstorage_container_v1")).toMatchObject({ name: "backups", versioning: true, container_read: ".r:*,.rlistings", force_destroy: false });
    expect(() => expectStackMatchesSchema(out.text)).not.toThrow();
    expect(problemsAfter(() => new Volume(stack, "zero", { name: "zero", sizeGb: 0 }))).toMatch(/st\/zero: sizeGb is 0/);
    expect(problemsAfter(() => new ObjectContainer(stack, "slash", { name: "a/b" }))).toMatch(/st\/slash: container name "a\/b"/);
  });
});
