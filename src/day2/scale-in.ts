import { RdoctlError } from "../errors";
import { describeHolder, InstallLock, installLockFile } from "../install/install-lock";
import { Journal } from "../install/journal";
import { loadMembers, planScaleFromState, saveMembers, type MemberHost } from "../install/scale";
import { loadTopology } from "../topology/load";
import { cloudPaths } from "../workspace";
import { OpenStackSession, readAdminCredentials } from "./openstack-rest";

/**
 * `rdoctl scale in INVENTORY`: the compute hosts the cloud has installed but the inventory no
 * longer lists leave the cloud through the API: for each, its nova-compute service is disabled
 * and deleted and its placement resource provider deleted. rdoctl does not migrate servers:
 * while servers still run on a host it refuses, listing them (migrate or delete them first).
 * Nothing is done on the host itself (Packstack has no uninstall).
 */

const NOVA = { "OpenStack-API-Version": "compute 2.53" };
const PLACEMENT = { "OpenStack-API-Version": "placement 1.14" };

interface ComputeService {
  readonly id: string;
  readonly host: string;
  readonly status: string;
  readonly state: string;
}

export interface RemovedHost {
  readonly host: string;
  /** nova-compute service host name as Nova knows it, when there was one. */
  readonly service?: string;
  /** What was done, in order. */
  readonly actions: readonly string[];
}

export interface ScaleInResult {
  readonly cloud: string;
  readonly removed: readonly RemovedHost[];
}

/** Nova's name for a host: the hostname Packstack's hosts run under (fqdn), or the short name. */
function namesOf(member: MemberHost, fqdn: string | undefined): Set<string> {
  const names = new Set([member.name, member.address]);
  if (fqdn) {
    names.add(fqdn);
    names.add(fqdn.split(".")[0]!);
  }
  return names;
}

/** Servers Nova places on `host` (all projects), as `id name (status)`. */
async function serversOn(api: OpenStackSession, host: string): Promise<string[]> {
  const res = await api.must<{ servers: Array<{ id: string; name: string; status: string }> }>("GET", "compute", `/servers/detail?all_tenants=1&host=${encodeURIComponent(host)}`, undefined, NOVA);
  return res.body.servers.map((s) => `${s.id} ${s.name} (${s.status})`);
}

async function removeHost(api: OpenStackSession, member: MemberHost, fqdn: string | undefined, say: (line: string) => void): Promise<RemovedHost> {
  const names = namesOf(member, fqdn);
  const services = (await api.must<{ services: ComputeService[] }>("GET", "compute", "/os-services?binary=nova-compute", undefined, NOVA)).body.services;
  const service = services.find((s) => names.has(s.host));
  const hypervisors = (await api.must<{ hypervisors: Array<{ hypervisor_hostname: string; service?: { host: string } }> }>("GET", "compute", "/os-hypervisors/detail", undefined, NOVA)).body.hypervisors;
  const nodes = new Set(hypervisors.filter((h) => h.service && names.has(h.service.host)).map((h) => h.hypervisor_hostname));
  if (service) nodes.add(service.host);
  const actions: string[] = [];
  if (service) {
    const servers = await serversOn(api, service.host);
    if (servers.length) {
      throw new RdoctlError(
        `scale in refused: ${servers.length} server(s) still on ${member.name} (nova-compute ${service.host}); rdoctl does not migrate them: ` +
          `migrate (\`openstack server migrate --live-migration ID\`) or delete them, then rerun:\n  ${servers.join("\n  ")}`,
      );
    }
    if (service.status !== "disabled") {
      say(`${member.name}: disabling nova-compute ${service.host} (${service.id})`);
      await api.must("PUT", "compute", `/os-services/${service.id}`, { status: "disabled", disabled_reason: "rdoctl scale in" }, NOVA);
      actions.push(`disabled nova-compute service ${service.id}`);
    }
    say(`${member.name}: deleting nova-compute ${service.host} (${service.id})`);
    await api.must("DELETE", "compute", `/os-services/${service.id}`, undefined, NOVA, [404]);
    actions.push(`deleted nova-compute service ${service.id}`);
  } else {
    for (const n of names) nodes.add(n);
  }
  // Nova deletes the host's resource provider with the service; one left behind (an older
  // Nova, or a service deleted by hand) is deleted here.
  for (const node of nodes) {
    const rps = (await api.must<{ resource_providers: Array<{ uuid: string; name: string }> }>("GET", "placement", `/resource_providers?name=${encodeURIComponent(node)}`, undefined, PLACEMENT)).body.resource_providers;
    for (const rp of rps) {
      say(`${member.name}: deleting placement resource provider ${rp.name} (${rp.uuid})`);
      const res = await api.must("DELETE", "placement", `/resource_providers/${rp.uuid}`, undefined, PLACEMENT, [404, 409]);
      if (res.status === 409) throw new RdoctlError(`placement refuses to delete resource provider ${rp.name} (${rp.uuid}) of ${member.name}: it still has allocations or child providers: ${res.text.slice(0, 200)}`);
      actions.push(`deleted resource provider ${rp.uuid}`);
    }
  }
  if (actions.length === 0) say(`${member.name}: no nova-compute service and no resource provider left; nothing to delete`);
  return { host: member.name, service: service?.host, actions };
}

export interface ScaleInOptions {
  readonly json?: boolean;
  readonly out?: (line: string) => void;
}

export async function runScaleIn(inventory: string, options: ScaleInOptions = {}): Promise<ScaleInResult> {
  const topology = loadTopology(inventory);
  const paths = cloudPaths(topology.name);
  const say = options.out ?? ((line: string) => (options.json ? undefined : process.stdout.write(`${line}\n`)));
  const attempt = InstallLock.acquire(installLockFile(paths.dir));
  if ("heldBy" in attempt) throw new RdoctlError(`rdoctl install of cloud ${topology.name} is running (${describeHolder(attempt.heldBy)}); scale in after it ends`);
  try {
    const journal = Journal.load(paths.journal, topology.name);
    const plan = planScaleFromState(topology, paths, journal, () => "", { allowRemoved: true, inventory });
    if (plan.kind === "install") throw new RdoctlError(`cloud ${topology.name} is not installed (no successful Packstack run recorded in ${paths.dir}); nothing to scale in`);
    if (plan.added.length) {
      throw new RdoctlError(`${inventory}: ${plan.added.map((h) => h.name).join(", ")} not installed yet; scale in only removes hosts (\`rdoctl install ${inventory}\` adds them)`);
    }
    if (plan.removed.length === 0) {
      say(`cloud ${topology.name}: every installed host is in the inventory; nothing to remove`);
      return { cloud: topology.name, removed: [] };
    }
    const notCompute = plan.removed.filter((m) => m.roles.some((r) => r !== "compute"));
    if (notCompute.length) {
      throw new RdoctlError(`${inventory}: ${notCompute.map((m) => `${m.name} (roles ${m.roles.join(", ")})`).join(", ")} left the inventory; only compute hosts can be scaled in: put them back`);
    }
    say(`cloud ${topology.name}: removing ${plan.removed.map((m) => `${m.name} (${m.address})`).join(", ")}: nova-compute service disabled and deleted, placement resource provider deleted; servers on them are not migrated (refused instead); nothing changes on the hosts themselves`);
    const api = await OpenStackSession.login(readAdminCredentials(paths.cloudsYaml, topology.name));
    const removed: RemovedHost[] = [];
    const members = loadMembers(paths);
    for (const member of plan.removed) {
      // The inventory no longer has the host: its name as installed (members.json), else the default.
      const fqdn = member.fqdn ?? `${member.name}.${topology.domain}`;
      removed.push(await removeHost(api, member, fqdn, say));
      // Recorded host by host: a refusal on the next one keeps what is done.
      const left = (members?.hosts ?? plan.installed).filter((m) => !removed.some((r) => r.host === m.name));
      saveMembers(paths, { hosts: left, excluded: (members?.excluded ?? []).filter((a) => left.some((m) => m.address === a)), settingsHash: "" });
    }
    say(`cloud ${topology.name}: removed ${removed.map((r) => r.host).join(", ")}; the next \`rdoctl install ${inventory}\` reruns Packstack on the remaining hosts (their configuration still names the removed hosts)`);
    return { cloud: topology.name, removed };
  } finally {
    attempt.lock.release();
  }
}
