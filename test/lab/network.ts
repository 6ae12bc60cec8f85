// The lab's wiring: one bridge in the root namespace and one veth "cable" per host, all inside
// 127.42.X.0/24. Addresses in 127/8 never leave the machine; route_localnet lets them cross the
// veths, and a route in the *local* table (more specific than 127.0.0.0/8 dev lo) sends them there.
// No namespace gets a default route, so nothing a host does can reach beyond the bridge.
import { run } from "./exec";

const LAB_PREFIX_LENGTH = 24;

export function subnetBase(octet: number): string {
  return `127.42.${octet}`;
}

export function bridgeAddress(octet: number): string {
  return `${subnetBase(octet)}.1`;
}

/** Host n (1-based) lives at .10+n, leaving .2-.10 free for future helpers (a fake mirror). */
export function hostAddress(octet: number, index: number): string {
  if (index < 1 || index > 240) throw new Error(`lab host index ${index} out of range 1..240`);
  return `${subnetBase(octet)}.${10 + index}`;
}

export async function createBridge(bridge: string, octet: number): Promise<void> {
  const subnet = `${subnetBase(octet)}.0/${LAB_PREFIX_LENGTH}`;
  await run(["ip", "link", "add", bridge, "type", "bridge"]);
  await run(["ip", "addr", "add", `${bridgeAddress(octet)}/${LAB_PREFIX_LENGTH}`, "dev", bridge]);
  await run(["sysctl", "-qw", `net.ipv4.conf.${bridge}.route_localnet=1`]);
  await run(["ip", "link", "set", bridge, "up"]);
  await run(["ip", "route", "add", subnet, "dev", bridge, "table", "local", "scope", "link", "src", bridgeAddress(octet)]);
}

export interface HostLinkProps {
  netns: string;
  /** Root-namespace end of the veth pair. */
  veth: string;
  bridge: string;
  octet: number;
  address: string;
  /**
   * Extra NICs in the host, e.g. a second one for Neutron. Each is a veth whose peer ("<name>p")
   * stays inside the host: the kernels this lab runs on may lack the dummy driver.
   */
  extraInterfaces: readonly string[];
}

/** Creates the host's network namespace with eth0 on the bridge, lo up, and its extra NICs. */
export async function createHostNetwork(props: HostLinkProps): Promise<void> {
  const { netns, veth, bridge, octet, address } = props;
  const inNs = (argv: string[]) => run(["nsenter", `--net=/run/netns/${netns}`, ...argv]);
  await run(["ip", "netns", "add", netns]);
  await run(["ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", netns]);
  await run(["ip", "link", "set", veth, "master", bridge, "up"]);
  await run(["ip", "-n", netns, "link", "set", "lo", "up"]);
  await inNs(["sysctl", "-qw", "net.ipv4.conf.all.route_localnet=1", "net.ipv4.conf.eth0.route_localnet=1"]);
  await run(["ip", "-n", netns, "addr", "add", `${address}/${LAB_PREFIX_LENGTH}`, "dev", "eth0"]);
  await run(["ip", "-n", netns, "link", "set", "eth0", "up"]);
  await run([
    "ip", "-n", netns, "route", "add", `${subnetBase(octet)}.0/${LAB_PREFIX_LENGTH}`,
    "dev", "eth0", "table", "local", "scope", "link", "src", address,
  ]);
  for (const name of props.extraInterfaces) {
    await run(["ip", "-n", netns, "link", "add", name, "type", "veth", "peer", "name", `${name}p`]);
    await run(["ip", "-n", netns, "link", "set", `${name}p`, "up"]);
    await run(["ip", "-n", netns, "link", "set", name, "up"]);
  }
}

/** Pulls the host's cable: its packets are dropped silently, peers see a hang, not a reset. */
export async function setLink(veth: string, up: boolean): Promise<void> {
  await run(["ip", "link", "set", veth, up ? "up" : "down"]);
}

const DROP_TABLE = "rdoctl_lab";

/**
 * Silently drops inbound TCP to `port` inside the host (nftables), established connections
 * included: the host keeps running but SSH sessions hang and new ones see only their ready
 * timeout. With `fromAddress`, only packets from that address are dropped (e.g. the machine's
 * side of the bridge, so rdoctl loses the deployer while Packstack's own SSH keeps working).
 */
export async function dropPort(netns: string, port: number, fromAddress?: string): Promise<void> {
  const nft = (rule: string) => run(["nsenter", `--net=/run/netns/${netns}`, "nft", rule]);
  await nft(`add table inet ${DROP_TABLE}`);
  await nft(`add chain inet ${DROP_TABLE} input { type filter hook input priority 0; policy accept; }`);
  const source = fromAddress ? `ip saddr ${fromAddress} ` : "";
  await nft(`add rule inet ${DROP_TABLE} input ${source}tcp dport ${port} drop`);
}

/** Removes every drop rule added by dropPort. */
export async function undropPorts(netns: string): Promise<void> {
  await run(["nsenter", `--net=/run/netns/${netns}`, "nft", `delete table inet ${DROP_TABLE}`], { allowFailure: true });
}

export async function nftAvailable(): Promise<boolean> {
  const result = await run(["nft", "--version"], { allowFailure: true }).catch(() => undefined);
  return result?.code === 0;
}
