import { cidrContains, formatCidr, ipToBigInt, type Cidr } from "../../topology/net";

/**
 * Why Neutron would refuse an allocation pool on a subnet, or undefined: an address outside the
 * subnet, a pool that ends before it starts, or a pool holding the gateway (Neutron's
 * "Gateway ip conflicts with allocation pool").
 */
export function allocationPoolProblem(
  cidr: Cidr,
  pool: { readonly start: string; readonly end: string },
  gateway: string | undefined,
): string | undefined {
  for (const address of [pool.start, pool.end]) {
    if (!cidrContains(cidr, address)) return `allocation pool address ${address} is outside ${formatCidr(cidr)}`;
  }
  const start = ipToBigInt(pool.start);
  const end = ipToBigInt(pool.end);
  if (start > end) return `allocation pool starts at ${pool.start}, after its end ${pool.end}`;
  if (gateway !== undefined && cidrContains(cidr, gateway)) {
    const gw = ipToBigInt(gateway);
    if (gw >= start && gw <= end) return `allocation pool ${pool.start}-${pool.end} contains the gateway ${gateway}`;
  }
  return undefined;
}
