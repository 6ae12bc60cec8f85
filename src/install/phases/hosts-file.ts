import { isIP } from "node:net";
import type { Topology } from "../../topology/model";

/**
 * The lines rdoctl keeps in every node's /etc/hosts: `address fqdn shortname`. Hosts addressed
 * by name have no line (their address must resolve through DNS; preflight checks it).
 */
export function hostsEntries(topology: Topology): string[] {
  return topology.hosts.filter((h) => isIP(h.address) !== 0).map((h) => {
    const short = h.fqdn.split(".")[0] ?? h.name;
    const names = [...new Set([h.fqdn, short, h.name])].filter((n) => n !== h.address);
    return `${h.address} ${names.join(" ")}`;
  });
}

/**
 * /etc/hosts with rdoctl's block for `cloud` set to `entries`: replaced in place when
 * present, appended otherwise; everything outside the markers is kept byte for byte.
 */
export function withHostsBlock(current: string, cloud: string, entries: readonly string[]): string {
  const begin = `# BEGIN rdoctl ${cloud} (managed: edits inside this block are replaced)`;
  const end = `# END rdoctl ${cloud}`;
  const block = [begin, ...entries, end].join("\n");
  const lines = current.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`# BEGIN rdoctl ${cloud} `) || l === `# BEGIN rdoctl ${cloud}`);
  const stop = start >= 0 ? lines.findIndex((l, i) => i > start && l === end) : -1;
  if (start >= 0 && stop > start) {
    return [...lines.slice(0, start), block, ...lines.slice(stop + 1)].join("\n");
  }
  const base = current === "" || current.endsWith("\n") ? current : current + "\n";
  return base + block + "\n";
}
