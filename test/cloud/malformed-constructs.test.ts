import { describe, expect, it } from "vitest";
import { TerraformStack, Testing, type App } from "../../src/cdktf";
import {
  Domain,
  ExternalNetwork,
  Flavor,
  Group,
  Image,
  Keypair,
  ObjectContainer,
  OpenStackCloud,
  Project,
  Router,
  SecurityGroup,
  Server,
  TenantNetwork,
  User,
  VmGroup,
  Volume,
  VolumeType,
  synthesizeApp,
} from "../../src/cloud";

/**
 * A corpus of construct mistakes an operator makes in an own app: each is reported by
 * synthesizeApp as exactly the expected lines (`PATH: message`), nothing is thrown, no stack trace.
 */
const CASES: [string, (stack: TerraformStack) => void, string[]][] = [
  ["empty project name", (s) => new Project(s, "p", { name: " " }), ["bad/p: project name is empty"]],
  ["empty domain name", (s) => new Domain(s, "d", { name: "" }), ["bad/d: domain name is empty"]],
  ["empty group name", (s) => new Group(s, "g", { name: "" }), ["bad/g: group name is empty"]],
  ["password variable name unfit for Terraform", (s) => new User(s, "u", { name: "u", password: { from: "variable", variableName: "9 lives" } }), ['bad/u: "9 lives" cannot name a Terraform variable or output']],
  ["zero-CPU flavor", (s) => new Flavor(s, "f", { name: "f", vcpus: 0, ramMb: 512, diskGb: 1 }), ["bad/f: vcpus is 0; expected an integer ≥ 1"]],
  ["private key as public key", (s) => new Keypair(s, "k", { name: "k", publicKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx" }), ["bad/k: publicKey holds a private key; pass the .pub file"]],
  ["unreadable key file", (s) => new Keypair(s, "k", { name: "k", publicKey: { file: "/nonexistent/id.pub" } }), ["bad/k: cannot read public key file /nonexistent/id.pub: no such file or directory"]],
  ["image over ftp", (s) => new Image(s, "i", { name: "i", source: { url: "ftp://h/x" } }), ["bad/i: image URL ftp://h/x is not an http(s) URL"]],
  ["zero-size volume", (s) => new Volume(s, "v", { name: "v", sizeGb: 0 }), ["bad/v: sizeGb is 0; expected an integer ≥ 1"]],
  [
    "contradicting backend",
    (s) => new VolumeType(s, "t", { name: "t", backendName: "lvm", extraSpecs: { volume_backend_name: "nfs" } }),
    ["bad/t: backendName lvm contradicts extraSpecs.volume_backend_name nfs"],
  ],
  ["container with a slash", (s) => new ObjectContainer(s, "c", { name: "a/b" }), ['bad/c: container name "a/b" must be 1-256 bytes without "/"']],
  [
    "tenant network with host bits and a pool outside",
    (s) => new TenantNetwork(s, "n", { name: "n", cidr: "10.0.0.1/24", allocationPool: { start: "10.0.0.10", end: "10.0.1.10" } }),
    [
      'bad/n: cidr: "10.0.0.1/24" has host bits set; did you mean "10.0.0.0/24"? (expected a network address)',
      "bad/n: allocationPool.end: allocation pool end 10.0.1.10 is outside 10.0.0.0/24 (expected a host address inside 10.0.0.0/24)",
    ],
  ],
  [
    "external network on its broadcast address",
    (s) => new ExternalNetwork(s, "e", { cidr: "203.0.113.0/24", gateway: "203.0.113.255" }),
    ["bad/e: gateway: gateway 203.0.113.255 is the broadcast address of 203.0.113.0/24 (expected a host address inside 203.0.113.0/24)"],
  ],
  ["unknown preset", (s) => new SecurityGroup(s, "g", { name: "g", presets: ["smtp" as "ssh"] }), ["bad/g: unknown preset smtp; expected one of ssh, icmp, http, https"]],
  [
    "network attached twice",
    (s) => {
      const n = new TenantNetwork(s, "n", { name: "n", cidr: "10.0.0.0/24" });
      new Router(s, "r", { name: "r", interfaces: [n, n] });
    },
    ["bad/r: network n is attached twice"],
  ],
  ["server without ports or image", (s) => new Server(s, "vm", { name: "vm", flavor: { name: "m1" }, ports: [] }), ["bad/vm: a server needs at least one port", "bad/vm: no image and no block device with bootIndex 0: nothing to boot from"]],
  [
    "VmGroup with a negative count",
    (s) => new VmGroup(s, "g", { namePrefix: "web", count: -1, image: { name: "cirros" }, flavor: { name: "m1" }, ports: [] }),
    ["bad/g: count is -1; expected an integer ≥ 0"],
  ],
];

describe("malformed constructs: every mistake is one line with its construct path, nothing thrown", () => {
  it.each(CASES)("%s", (_name, build, expected) => {
    const app: App = Testing.app();
    const problems = synthesizeApp(app, (a) => {
      const stack = new TerraformStack(a, "bad");
      new OpenStackCloud(stack, "cloud", { cloud: "lab", cloudsYaml: { from: "variable" } });
      build(stack);
    });
    expect(problems).toEqual(expected);
    for (const line of problems) expect(line).not.toMatch(/\n|^\s+at /);
  });
});
