import { describe, expect, it, vi } from "vitest";
import { App, TerraformStack, Testing } from "../../src/cdktf";
import * as cloud from "../../src/cloud";
import { ExternalNetwork, Image, OpenStackCloud, SecurityGroup, TenantNetwork, Volume, synthesizeApp } from "../../src/cloud";
import { CloudBuilder, InventoryError } from "../../src/topology";
import { problemsAfter } from "./synth";

function newStack(id: string): TerraformStack {
  const stack = new TerraformStack(Testing.app(), id);
  new OpenStackCloud(stack, "cloud", { cloud: "lab" });
  return stack;
}

/** What `rdoctl validate` says about an inventory's externalNetwork, field by field. */
function inventoryIssues(externalNetwork: { cidr: string; gateway: string; allocationPool?: { start: string; end: string } }): string[] {
  const builder = new CloudBuilder("lab")
    .host({ name: "aio", address: "192.168.122.10", roles: ["controller", "network", "compute"] })
    .externalNetwork(externalNetwork);
  try {
    builder.build();
    return [];
  } catch (err) {
    if (!(err instanceof InventoryError)) throw err;
    return err.issues.filter((i) => i.path.startsWith("externalNetwork.")).map((i) => `${i.path.replace(/^externalNetwork\./, "")}: ${i.message}`);
  }
}

/** What the ExternalNetwork construct records for the same props, without the construct path. */
function constructIssues(props: { cidr: string; gateway: string; allocationPool?: { start: string; end: string } }): string[] {
  const out = problemsAfter(() => new ExternalNetwork(newStack("ext"), "ext", props));
  return out === "" ? [] : out.split("\n").map((line) => line.replace(/^ext\/ext: /, "").replace(/ \(expected [^)]*\)$/, ""));
}

describe("address rules: one implementation for inventories and constructs", () => {
  it("refuses a tenant CIDR with host bits set, as validate does for an inventory", () => {
    expect(problemsAfter(() => new TenantNetwork(newStack("t"), "net", { name: "net", cidr: "10.20.30.5/24" }))).toBe(
      't/net: cidr: "10.20.30.5/24" has host bits set; did you mean "10.20.30.0/24"? (expected a network address)',
    );
  });

  it.each([
    { cidr: "203.0.113.7/24", gateway: "203.0.113.1" },
    { cidr: "203.0.113.0/24", gateway: "203.0.113.255" },
    { cidr: "203.0.113.0/24", gateway: "198.51.100.1" },
    { cidr: "203.0.113.0/33", gateway: "203.0.113.1" },
    { cidr: "203.0.113.0/24", gateway: "203.0.113.1", allocationPool: { start: "203.0.113.0", end: "203.0.113.20" } },
    { cidr: "203.0.113.0/24", gateway: "203.0.113.1", allocationPool: { start: "203.0.113.50", end: "203.0.113.20" } },
    { cidr: "203.0.113.0/24", gateway: "203.0.113.10", allocationPool: { start: "203.0.113.2", end: "203.0.113.20" } },
    { cidr: "203.0.113.0/24", gateway: "203.0.113.1", allocationPool: { start: "203.0.113.2", end: "203.0.114.20" } },
  ])("external network %j: the construct reports what validate reports", (props) => {
    const expected = inventoryIssues(props);
    expect(expected.length).toBeGreaterThan(0);
    expect(constructIssues(props)).toEqual(expected);
  });

  it("numbers security group rules among the group's own rules, not counting presets", () => {
    const out = problemsAfter(
      () =>
        new SecurityGroup(newStack("sg"), "g", {
          name: "g",
          presets: ["ssh", "icmp"],
          rules: [
            { protocol: "icmp", ports: 22 },
            { protocol: "tcp", ports: 443, remoteCidr: "10.0.0.7/8" },
          ],
        }),
    );
    expect(out.split("\n")).toEqual([
      "sg/g: rule 1: ports need protocol tcp, udp or sctp, not icmp",
      'sg/g: rule 2: remoteCidr "10.0.0.7/8" has host bits set; did you mean "10.0.0.0/8"? (expected a network address)',
    ]);
  });
});

describe("construct problems are collected and reported all at once", () => {
  it("synthesizeApp returns every problem of every stack, one line each with the construct path, and throws nothing", () => {
    const app = new App({ outdir: Testing.app().outdir });
    const problems = synthesizeApp(app, (a) => {
      const one = new TerraformStack(a, "one");
      new OpenStackCloud(one, "cloud", { cloud: "lab" });
      new TenantNetwork(one, "net", { name: "net", cidr: "10.20.30.5/24", dnsNameservers: ["dns.example"] });
      new Volume(one, "vol", { name: "vol", sizeGb: 0 });
      const two = new TerraformStack(a, "two");
      new OpenStackCloud(two, "cloud", { cloud: "lab" });
      new Image(two, "img", { name: "img", source: { url: "ftp://h/x" }, checksum: "abc" });
    });
    expect(problems).toEqual([
      'one/net: cidr: "10.20.30.5/24" has host bits set; did you mean "10.20.30.0/24"? (expected a network address)',
      "one/net: DNS server dns.example is not an IP address",
      "one/vol: sizeGb is 0; expected an integer ≥ 1",
      "two/img: checksum abc is not an MD5 digest (32 lowercase hex digits)",
      "two/img: image URL ftp://h/x is not an http(s) URL",
    ]);
  });

  it("runApp reports what cdktf itself throws (a construct id used twice) as one line, not a stack trace", () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const exitCode = process.exitCode;
    try {
      cloud.runApp((a) => {
        const stack = new TerraformStack(a, "one");
        new Volume(stack, "vol", { name: "a", sizeGb: 1 });
        new Volume(stack, "vol", { name: "b", sizeGb: 1 });
      }, Testing.app());
      expect(process.exitCode).toBe(1);
    } finally {
      spy.mockRestore();
      process.exitCode = exitCode;
    }
    expect(lines).toEqual([expect.stringMatching(/^rdoctl: There is already a Construct with name 'vol' in TerraformStack \[one\] \(RDOCTL_DEBUG=1 shows where\)\n$/)]);
  });

  it("the library exports the reporting an own cdktf app needs", () => {
    expect(typeof cloud.synthesizeApp).toBe("function");
    expect(typeof cloud.runApp).toBe("function");
    expect(typeof cloud.addProblem).toBe("function");
  });
});
