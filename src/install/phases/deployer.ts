import { hostByName } from "../../topology/model";
import type { InstallContext } from "../context";
import { HostShell } from "../context";
import { knownHostsLine, shQuote } from "../ssh";
import type { Step } from "../steps";

/** Packstack's default CONFIG_SSH_KEY is this key's public half. */
export const DEPLOYER_KEY = "/root/.ssh/id_rsa";
const KNOWN_HOSTS = "/root/.ssh/known_hosts";

/** Replaces (or appends) rdoctl's marked block in a known_hosts text. */
export function withKnownHostsBlock(current: string, cloud: string, lines: readonly string[]): string {
  const begin = `# BEGIN rdoctl ${cloud}`;
  const end = `# END rdoctl ${cloud}`;
  const all = current.split("\n");
  const start = all.indexOf(begin);
  const stop = start >= 0 ? all.indexOf(end, start) : -1;
  const block = [begin, ...lines, end];
  if (start >= 0 && stop > start) return [...all.slice(0, start), ...block, ...all.slice(stop + 1)].join("\n");
  const base = current === "" || current.endsWith("\n") ? current : current + "\n";
  return base + block.join("\n") + "\n";
}

/**
 * On the deployer: openstack-packstack, a root key pair (made there if missing), its public
 * key authorized for root on every host, and root's known_hosts filled with each host's key
 * exactly as rdoctl verified it — then proved by an `ssh -o BatchMode=yes
 * -o StrictHostKeyChecking=yes` from the deployer to every host.
 */
export function deployerSteps(ctx: InstallContext): Step[] {
  const deployer = hostByName(ctx.topology, ctx.topology.deployer);
  const hosts = ctx.topology.hosts.map((h) => ({ name: h.name, address: h.address, fqdn: h.fqdn, pins: h.ssh.hostKeys }));
  return [
    {
      phase: "deployer",
      host: deployer.name,
      inputs: { deployer: deployer.name, hosts },
      run: async () => {
        const sh = new HostShell(ctx, deployer.name, "deployer");
        if (!(await sh.test("rpm -q openstack-packstack"))) await sh.sh("dnf install -y openstack-packstack");
        await sh.sh(
          `mkdir -p /root/.ssh && chmod 700 /root/.ssh && if [ ! -f ${DEPLOYER_KEY} ]; then ssh-keygen -q -t rsa -b 4096 -N '' -C rdoctl-deployer -f ${DEPLOYER_KEY}; fi`,
          { label: "create the deployer's root key pair" },
        );
        const publicKey = (await sh.sh(`cat ${DEPLOYER_KEY}.pub`, { quiet: true })).stdout.trim();

        await Promise.all(
          ctx.topology.hosts.map(async (h) => {
            const target = new HostShell(ctx, h.name, "deployer");
            await target.sh(
              "key=$(cat) && mkdir -p /root/.ssh && chmod 700 /root/.ssh && touch /root/.ssh/authorized_keys && " +
                "chmod 600 /root/.ssh/authorized_keys && { grep -qxF \"$key\" /root/.ssh/authorized_keys || printf '%s\\n' \"$key\" >> /root/.ssh/authorized_keys; }",
              { stdin: publicKey, label: "authorize the deployer's key for root" },
            );
          }),
        );

        const lines: string[] = [];
        for (const h of ctx.topology.hosts) {
          const key = (await ctx.pool.get(h.name)).hostKey;
          const names = [...new Set([h.address, h.fqdn, h.name])];
          lines.push(knownHostsLine(names, key.type, key.blob));
        }
        const current = (await sh.sh(`cat ${KNOWN_HOSTS} 2>/dev/null || true`, { quiet: true })).stdout;
        const wanted = withKnownHostsBlock(current, ctx.topology.name, lines);
        if (wanted !== current) await sh.upload(KNOWN_HOSTS, wanted, 0o644);

        for (const h of ctx.topology.hosts) {
          await sh.sh(
            `ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=10 -i ${DEPLOYER_KEY} root@${shQuote(h.address)} true`,
            { label: `ssh from ${deployer.name} to ${h.name} (${h.address}) as Packstack will` },
          );
        }
      },
    },
  ];
}
