import { describe, expect, it } from "vitest";
import { resolveTopology } from "../../src/topology";
import { evaluateHost, factsScript, parseFacts } from "../../src/install/phases/preflight-checks";

const topology = resolveTopology({
  name: "lab",
  domain: "example.test",
  hosts: [
    { name: "ctl", address: "10.0.0.11", roles: ["controller", "network"], interfaces: [{ name: "eth0", address: "10.0.0.11/24" }, { name: "eth1" }] },
    { name: "cmp", address: "cmp.example.test", roles: ["compute"] },
  ],
});

/** What the facts script prints on a healthy CentOS Stream 9 controller. */
const HEALTHY = [
  "@@os",
  'NAME="CentOS Stream"',
  'VERSION="9"',
  'ID="centos"',
  'VERSION_ID="9"',
  'PRETTY_NAME="CentOS Stream 9"',
  "@@virt",
  "4",
  "@@mem",
  "MemTotal:       16393216 kB",
  "@@disk",
  "/dev/vda1        104857600  5242880  99614720       6% /",
  "@@links",
  "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
  "2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff",
  "3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000\\    link/ether 52:54:00:12:34:57 brd ff:ff:ff:ff:ff:ff",
  "@@addrs",
  "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever",
  "2: eth0    inet 10.0.0.11/24 brd 10.0.0.255 scope global eth0\\       valid_lft forever preferred_lft forever",
  "@@resolve",
  "cmp.example.test 10.0.0.12 ",
  "ctl.example.test 10.0.0.11 ",
  "@@clock",
  "1750000000",
  "Leap status     : Normal",
  "@@commands",
  "dnf /usr/bin/dnf",
  "python3 /usr/bin/python3",
  "@@end",
  "",
].join("\n");

describe("preflight checks", () => {
  it("parses the facts script's sections", () => {
    const facts = parseFacts(HEALTHY);
    expect(facts).toMatchObject({
      virtFlags: 4,
      memTotalMiB: 16009,
      links: ["lo", "eth0", "eth1"],
      addresses: ["127.0.0.1/8", "10.0.0.11/24"],
      epochSeconds: 1750000000,
      clockSync: "yes",
    });
    expect(facts.osRelease).toMatchObject({ ID: "centos", VERSION_ID: "9" });
    expect(facts.varFreeGiB).toBe(95);
    expect(facts.resolved["cmp.example.test"]).toEqual(["10.0.0.12"]);
    expect(factsScript(["a.example"])).toContain("getent ahosts");
    expect(facts.commands).toEqual({ dnf: "/usr/bin/dnf", python3: "/usr/bin/python3" });
  });

  it("passes a healthy controller (memory just under the recommendation is a warning only)", () => {
    const findings = evaluateHost(topology, topology.hosts[0]!, parseFacts(HEALTHY), 1750000001);
    expect(findings.filter((f) => f.level === "error")).toEqual([]);
    expect(findings.find((f) => f.check === "os")).toMatchObject({ level: "ok", message: "CentOS Stream 9" });
    expect(findings.find((f) => f.check === "memory")).toMatchObject({ level: "warning" });
  });

  it("reports every problem of a host at once", () => {
    const bad = HEALTHY.replace('ID="centos"', 'ID="ubuntu"')
      .replace('VERSION_ID="9"', 'VERSION_ID="24.04"')
      .replace('PRETTY_NAME="CentOS Stream 9"', 'PRETTY_NAME="Ubuntu 24.04 LTS"')
      .replace("MemTotal:       16393216 kB", "MemTotal:        2097152 kB")
      .replace("99614720", "1048576")
      .replace(/3: eth1.*\n/, "")
      .replace("cmp.example.test 10.0.0.12 ", "cmp.example.test ")
      .replace("1750000000", "1749999000")
      .replace("Leap status     : Normal", "Leap status     : Not synchronised")
      .replace("dnf /usr/bin/dnf", "dnf ")
      .replace("python3 /usr/bin/python3", "python3");
    const findings = evaluateHost(topology, topology.hosts[0]!, parseFacts(bad), 1750000000);
    const errors = findings.filter((f) => f.level === "error").map((f) => `${f.check}: ${f.message}`);
    expect(errors).toEqual([
      "os: Ubuntu 24.04 LTS is not supported by RDO 2025.1",
      "commands: dnf is not installed (not on root's PATH); prepare installs the RDO repository and every package with it",
      "commands: python3 is not installed (not on root's PATH); dnf, Packstack and the OpenStack clients run on it",
      "memory: 2048 MiB RAM, roles controller,network need at least 6144 MiB",
      "disk: 1 GiB free on /var, roles controller,network need at least 20 GiB",
      "interface: interface eth1 is missing (ip -o link shows lo, eth0)",
      "resolve: cmp.example.test (host cmp) does not resolve here",
      "clock: clock is 1000 s off rdoctl's clock (max 5 s)",
    ]);
    expect(findings.find((f) => f.check === "clock" && f.level === "warning")?.message).toMatch(/not synchronized/);
  });

  it("warns about missing VT-x/AMD-V on compute hosts with the qemu hint, unless qemu is chosen", () => {
    const noVirt = parseFacts(HEALTHY.replace("@@virt\n4", "@@virt\n0"));
    const warn = evaluateHost(topology, topology.hosts[1]!, noVirt, 1750000000).find((f) => f.check === "cpu-virtualization");
    expect(warn).toMatchObject({ level: "warning" });
    expect(warn?.hint).toMatch(/libvirtType: qemu/);
    const qemu = resolveTopology({
      name: "lab",
      hosts: [{ name: "aio", address: "10.0.0.11", roles: ["controller", "network", "compute"] }],
      services: { nova: { libvirtType: "qemu" } },
    });
    expect(evaluateHost(qemu, qemu.hosts[0]!, noVirt, 1750000000).find((f) => f.check === "cpu-virtualization")?.level).toBe("ok");
  });
});
