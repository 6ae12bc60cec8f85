import { isIP } from "node:net";

/**
 * Just enough IP arithmetic for inventories: parse CIDRs, test membership, derive the default
 * allocation pool. Addresses become bigints so IPv4 and IPv6 share one code path.
 */

export type IpVersion = 4 | 6;

export interface Cidr {
  readonly version: IpVersion;
  readonly prefix: number;
  /** First address of the block (host bits cleared). */
  readonly network: bigint;
  /** Address as written, as a bigint (may have host bits set). */
  readonly written: bigint;
}

export function ipVersion(text: string): IpVersion | undefined {
  const v = isIP(text);
  return v === 4 || v === 6 ? v : undefined;
}

/** True for strings that look like an attempt at an IP address (digits and dots, or colons). */
export function looksLikeIp(text: string): boolean {
  return /^[0-9.]+$/.test(text) || text.includes(":");
}

export function ipToBigInt(text: string): bigint {
  const version = ipVersion(text);
  if (version === 4) {
    return text.split(".").reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n);
  }
  if (version === 6) {
    let head = text.replace(/%.*$/, "");
    // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(head);
    if (v4 && v4[1]) {
      const n = ipToBigInt(v4[1]);
      head = head.slice(0, -v4[1].length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
    }
    const gap = head.indexOf("::");
    let groups: string[];
    if (gap >= 0) {
      const left = head.slice(0, gap) ? head.slice(0, gap).split(":") : [];
      const right = head.slice(gap + 2) ? head.slice(gap + 2).split(":") : [];
      groups = [...left, ...new Array<string>(8 - left.length - right.length).fill("0"), ...right];
    } else {
      groups = head.split(":");
    }
    return groups.reduce((acc, part) => (acc << 16n) + BigInt(parseInt(part, 16)), 0n);
  }
  throw new Error(`not an IP address: ${text}`);
}

export function bigIntToIp(value: bigint, version: IpVersion): string {
  if (version === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
  }
  const parts: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) parts.push(((value >> shift) & 0xffffn).toString(16));
  // Compress the longest run of zero hextets, as RFC 5952 asks.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (parts[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && parts[j] === "0") j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return parts.join(":");
  return `${parts.slice(0, best).join(":")}::${parts.slice(best + bestLen).join(":")}`;
}

/** Why a CIDR is not acceptable, or the parsed CIDR. */
export function parseCidr(text: string): Cidr | string {
  const slash = text.indexOf("/");
  if (slash < 0) return "missing the /prefix length";
  const addr = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const version = ipVersion(addr);
  if (!version) return `"${addr}" is not an IP address`;
  const bits = version === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
    return `prefix length "${prefixText}" is not between 0 and ${bits}`;
  }
  const prefix = Number(prefixText);
  const written = ipToBigInt(addr);
  const hostBits = BigInt(bits - prefix);
  const network = (written >> hostBits) << hostBits;
  return { version, prefix, network, written };
}

export function cidrSize(cidr: Cidr): bigint {
  return 1n << BigInt((cidr.version === 4 ? 32 : 128) - cidr.prefix);
}

export function cidrLast(cidr: Cidr): bigint {
  return cidr.network + cidrSize(cidr) - 1n;
}

export function formatCidr(cidr: Cidr): string {
  return `${bigIntToIp(cidr.network, cidr.version)}/${cidr.prefix}`;
}

export function cidrContains(cidr: Cidr, address: string): boolean {
  if (ipVersion(address) !== cidr.version) return false;
  const n = ipToBigInt(address);
  return n >= cidr.network && n <= cidrLast(cidr);
}

/**
 * The default allocation pool: every address of the block except the network address, the
 * broadcast address (IPv4) and the gateway; when the gateway sits inside the block, the pool
 * is the larger of the two ranges on either side of it. Undefined when nothing is left.
 */
export function defaultAllocationPool(cidr: Cidr, gateway: string): { start: string; end: string } | undefined {
  let first = cidr.network + 1n;
  let last = cidr.version === 4 ? cidrLast(cidr) - 1n : cidrLast(cidr);
  if (cidr.version === 4 && cidr.prefix >= 31) {
    first = cidr.network;
    last = cidrLast(cidr);
  }
  if (ipVersion(gateway) === cidr.version) {
    const g = ipToBigInt(gateway);
    if (g === first) first += 1n;
    else if (g === last) last -= 1n;
    else if (g > first && g < last) {
      if (g - first >= last - g) last = g - 1n;
      else first = g + 1n;
    }
  }
  if (first > last) return undefined;
  return { start: bigIntToIp(first, cidr.version), end: bigIntToIp(last, cidr.version) };
}

/** Which field of a subnet an address problem is about. */
export type SubnetField = "cidr" | "gateway" | "allocationPool" | "allocationPool.start" | "allocationPool.end";

export interface SubnetAddressIssue {
  readonly field: SubnetField;
  readonly message: string;
  readonly expected: string;
}

export interface SubnetAddresses {
  readonly cidr: string;
  /** Absent: Neutron picks the first host address. */
  readonly gateway?: string;
  readonly allocationPool?: { readonly start: string; readonly end: string };
}

/**
 * Neutron's address rules for a subnet, the one implementation behind both inventory
 * validation (externalNetwork) and the network constructs: a network CIDR without host bits
 * (Neutron refuses "10.20.30.5/24"), a gateway and pool inside it that are neither its network
 * nor broadcast address, a pool in order that leaves the gateway out, and, without a pool,
 * room for the default one. `poolUse` says what the addresses are for, in messages.
 */
export function subnetAddressIssues(subnet: SubnetAddresses, poolUse = "ports"): SubnetAddressIssue[] {
  const cidr = parseCidr(subnet.cidr);
  if (typeof cidr === "string") {
    return [{ field: "cidr", message: `"${subnet.cidr}" is not a CIDR: ${cidr}`, expected: "a network such as 203.0.113.0/24" }];
  }
  const issues: SubnetAddressIssue[] = [];
  if (cidr.written !== cidr.network) {
    issues.push({ field: "cidr", message: `"${subnet.cidr}" has host bits set; did you mean "${formatCidr(cidr)}"?`, expected: "a network address" });
  }
  const hostAddress = `a host address inside ${formatCidr(cidr)}`;
  const inside = (label: string, address: string): string | undefined => {
    if (!ipVersion(address)) return `${label} "${address}" is not an IP address`;
    if (!cidrContains(cidr, address)) return `${label} ${address} is outside ${formatCidr(cidr)}`;
    const n = ipToBigInt(address);
    if (cidr.version === 4 && cidr.prefix < 31 && (n === cidr.network || n === cidrLast(cidr))) {
      return `${label} ${address} is the ${n === cidr.network ? "network" : "broadcast"} address of ${formatCidr(cidr)}`;
    }
    return undefined;
  };
  const gateway = subnet.gateway;
  const gatewayProblem = gateway === undefined ? undefined : inside("gateway", gateway);
  if (gatewayProblem) issues.push({ field: "gateway", message: gatewayProblem, expected: hostAddress });
  const pool = subnet.allocationPool;
  if (!pool) {
    if (!gatewayProblem && !defaultAllocationPool(cidr, gateway ?? bigIntToIp(cidr.network + 1n, cidr.version))) {
      issues.push({ field: "cidr", message: `${formatCidr(cidr)} leaves no address for ${poolUse}`, expected: "a larger network" });
    }
    return issues;
  }
  const startProblem = inside("allocation pool start", pool.start);
  const endProblem = inside("allocation pool end", pool.end);
  if (startProblem) issues.push({ field: "allocationPool.start", message: startProblem, expected: hostAddress });
  if (endProblem) issues.push({ field: "allocationPool.end", message: endProblem, expected: hostAddress });
  if (startProblem || endProblem) return issues;
  const start = ipToBigInt(pool.start);
  const end = ipToBigInt(pool.end);
  if (start > end) {
    issues.push({ field: "allocationPool", message: `the allocation pool starts (${pool.start}) after it ends (${pool.end})`, expected: "start <= end" });
  } else if (gateway !== undefined && !gatewayProblem) {
    const g = ipToBigInt(gateway);
    if (g >= start && g <= end) {
      issues.push({ field: "allocationPool", message: `the allocation pool ${pool.start}-${pool.end} contains the gateway ${gateway}`, expected: "a pool that leaves the gateway out" });
    }
  }
  return issues;
}

/** Why a peer prefix (a security group rule's remote CIDR) is not acceptable, or undefined. */
export function prefixIssue(text: string): { readonly message: string; readonly expected: string } | undefined {
  const cidr = parseCidr(text);
  if (typeof cidr === "string") return { message: `"${text}" is not a CIDR: ${cidr}`, expected: "a network such as 198.51.100.0/24" };
  if (cidr.written !== cidr.network) return { message: `"${text}" has host bits set; did you mean "${formatCidr(cidr)}"?`, expected: "a network address" };
  return undefined;
}
