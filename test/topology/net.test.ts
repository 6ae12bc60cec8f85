import { describe, expect, it } from "vitest";
import { closest, didYouMean, editDistance } from "../../src/topology/did-you-mean";
import { bigIntToIp, cidrContains, defaultAllocationPool, formatCidr, ipToBigInt, parseCidr, type Cidr } from "../../src/topology/net";

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
}

describe("IP arithmetic", () => {
  it("round-trips addresses through bigints, compressing IPv6 as RFC 5952 says", () => {
    for (const [input, output] of [
      ["0.0.0.0", "0.0.0.0"],
      ["255.255.255.255", "255.255.255.255"],
      ["192.0.2.10", "192.0.2.10"],
      ["::", "::"],
      ["::1", "::1"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
      ["fe80::1%eth0", "fe80::1"],
      ["::ffff:192.0.2.1", "::ffff:c000:201"],
    ] as const) {
      const version = input.includes(":") ? 6 : 4;
      expect(bigIntToIp(ipToBigInt(input), version)).toBe(output);
    }
    expect(ipToBigInt("10.0.0.1") - ipToBigInt("10.0.0.0")).toBe(1n);
  });

  it("parses CIDRs and says why one is wrong", () => {
    expect(formatCidr(cidr("203.0.113.7/24"))).toBe("203.0.113.0/24");
    expect(cidr("203.0.113.7/24").written).not.toBe(cidr("203.0.113.7/24").network);
    expect(formatCidr(cidr("2001:db8:1:2::5/48"))).toBe("2001:db8:1::/48");
    expect(parseCidr("203.0.113.0")).toBe("missing the /prefix length");
    expect(parseCidr("203.0.113.0/33")).toBe('prefix length "33" is not between 0 and 32');
    expect(parseCidr("203.0.113.0/x")).toBe('prefix length "x" is not between 0 and 32');
    expect(parseCidr("2001:db8::/129")).toBe('prefix length "129" is not between 0 and 128');
    expect(parseCidr("203.0.113.256/24")).toBe('"203.0.113.256" is not an IP address');
  });

  it("tests membership within one address family", () => {
    const net = cidr("198.51.100.0/25");
    expect(cidrContains(net, "198.51.100.127")).toBe(true);
    expect(cidrContains(net, "198.51.100.128")).toBe(false);
    expect(cidrContains(net, "2001:db8::1")).toBe(false);
    expect(cidrContains(cidr("0.0.0.0/0"), "255.255.255.255")).toBe(true);
  });

  it("derives the default allocation pool", () => {
    expect(defaultAllocationPool(cidr("203.0.113.0/24"), "203.0.113.1")).toEqual({ start: "203.0.113.2", end: "203.0.113.254" });
    expect(defaultAllocationPool(cidr("203.0.113.0/24"), "203.0.113.254")).toEqual({ start: "203.0.113.1", end: "203.0.113.253" });
    expect(defaultAllocationPool(cidr("203.0.113.0/24"), "198.51.100.1")).toEqual({ start: "203.0.113.1", end: "203.0.113.254" });
    expect(defaultAllocationPool(cidr("203.0.113.0/30"), "203.0.113.1")).toEqual({ start: "203.0.113.2", end: "203.0.113.2" });
    expect(defaultAllocationPool(cidr("203.0.113.0/31"), "203.0.113.0")).toEqual({ start: "203.0.113.1", end: "203.0.113.1" });
    expect(defaultAllocationPool(cidr("203.0.113.5/32"), "203.0.113.5")).toBeUndefined();
  });
});

describe("did you mean", () => {
  it("counts an adjacent transposition as one edit", () => {
    expect(editDistance("adress", "address")).toBe(1);
    expect(editDistance("contorller", "controller")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggests only plausible typos, and nothing on a tie", () => {
    expect(closest("adress", ["name", "address", "roles"])).toBe("address");
    expect(closest("CONFIG_DEBUG_MOD", ["CONFIG_DEBUG_MODE", "CONFIG_DEFAULT_PASSWORD"])).toBe("CONFIG_DEBUG_MODE");
    expect(closest("xyz", ["name", "address"])).toBeUndefined();
    expect(closest("eth1", ["eth0", "eth2"])).toBeUndefined();
    expect(didYouMean("relase", ["release", "name"])).toBe('; did you mean "release"?');
    expect(didYouMean("zzz", ["release"])).toBe("");
  });
});
