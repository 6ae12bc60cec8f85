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
