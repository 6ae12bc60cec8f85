import { isIP } from "node:net";
import { didYouMean } from "./did-you-mean";
import type { PathSegment, PendingIssue } from "./issues";
import { isServiceEnabled, type NetworkType, type Role, RELEASES, SERVICE_NAMES, type Topology, type TopologySpec } from "./model";
import { ipToBigInt, ipVersion, looksLikeIp, parseCidr, subnetAddressIssues } from "./net";
import { releaseFacts, type ReleaseFacts, SERVICE_INSTALL_PARAMETERS } from "./release-facts";

/**
 * Cross-field rules: what JSON Schema cannot say. Each rule has a name (shown by
 * `rdoctl validate --json`) and reports issues at the path of the field the user wrote.
 * Release-dependent facts come from the Packstack catalogs, never from lists in code.
 *
 * Decision: a cloud needs no host with the `network` role; the controller then carries the
 * Neutron network services, as `hostForRole` in model.ts says and as Packstack does by default.
 */

export interface RuleContext {
  readonly spec: TopologySpec;
  readonly topology: Topology;
  readonly facts: ReleaseFacts;
}

export interface Rule {
  readonly name: string;
  readonly check: (ctx: RuleContext) => Iterable<Omit<PendingIssue, "rule">>;
}

const NEUTRON: PathSegment[] = ["services", "neutron"];
const EXT: PathSegment[] = ["externalNetwork"];
const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** Roles Packstack takes exactly one host for (CONFIG_AMQP_HOST, CONFIG_MARIADB_HOST, …). */
const SINGLE_HOST_ROLES: readonly Role[] = ["amqp", "database", "redis", "storage"];
const TUNNEL_TYPES: readonly NetworkType[] = ["gre", "vxlan", "geneve"];

export const RULES: readonly Rule[] = [
  {
    name: "one-controller",
    *check({ spec }) {
      const controllers = spec.hosts.flatMap((h, i) => (h.roles.includes("controller") ? [i] : []));
      if (controllers.length === 0) {
        yield { path: ["hosts"], message: "no host has the controller role", expected: "exactly one host with role controller" };
      }
      for (const i of controllers.slice(1)) {
        yield {
          path: ["hosts", i, "roles", spec.hosts[i]!.roles.indexOf("controller")],
          message: `a second controller ("${spec.hosts[i]!.name}"; hosts[${controllers[0]}] is the first): Packstack installs one controller`,
          expected: "exactly one host with role controller",
        };
      }
    },
  },
  {
    name: "single-host-roles",
    *check({ spec }) {
      for (const role of SINGLE_HOST_ROLES) {
        const carriers = spec.hosts.flatMap((h, i) => (h.roles.includes(role) ? [i] : []));
        for (const i of carriers.slice(1)) {
          yield {
            path: ["hosts", i, "roles", spec.hosts[i]!.roles.indexOf(role)],
            message: `role ${role} is already on hosts[${carriers[0]}] ("${spec.hosts[carriers[0]!]!.name}"): Packstack takes one ${role} host`,
            expected: `at most one host with role ${role}`,
          };
        }
      }
    },
  },
  {
    name: "compute-for-nova",
    *check({ spec, topology }) {
      if (topology.services.nova.enabled && !spec.hosts.some((h) => h.roles.includes("compute"))) {
        yield {
          path: ["hosts"],
          message: "Nova is enabled but no host has the compute role",
          expected: "at least one host with role compute, or services.nova.enabled: false",
        };
      }
    },
  },
  {
    name: "nova-needs-glance",
    *check({ topology }) {
      if (topology.services.nova.enabled && !topology.services.glance.enabled) {
        yield { path: ["services", "glance", "enabled"], message: "Nova needs Glance (Packstack refuses Nova without Glance)", expected: "true" };
      }
    },
  },
  {
    name: "unique-host-fields",
    *check({ spec, topology }) {
      for (const field of ["name", "address", "fqdn"] as const) {
        const seen = new Map<string, number>();
        for (const [i, host] of topology.hosts.entries()) {
          const value = host[field].toLowerCase();
          const first = seen.get(value);
          if (first === undefined) {
            seen.set(value, i);
            continue;
          }
          // Default FQDNs repeat only when names repeat, which is reported already.
          if (field === "fqdn" && spec.hosts[i]!.fqdn === undefined && spec.hosts[first]!.fqdn === undefined) continue;
          yield { path: ["hosts", i, field], message: `duplicate host ${field} "${host[field]}" (also hosts[${first}])`, expected: `${field === "address" ? "an" : "a"} ${field} no other host uses` };
        }
      }
    },
  },
  {
    name: "host-address-syntax",
    *check({ spec }) {
      for (const [i, host] of spec.hosts.entries()) {
        const problem = addressProblem(host.address);
        if (problem) yield { path: ["hosts", i, "address"], message: problem, expected: "an IPv4/IPv6 address or a DNS name" };
      }
    },
  },
  {
    name: "address-kinds",
    *check({ spec }) {
      const kinds = spec.hosts.map((h) => {
        const v = ipVersion(h.address);
        return v === 4 ? "IPv4 address" : v === 6 ? "IPv6 address" : addressProblem(h.address) ? "invalid" : "host name";
      });
      const valid = kinds.filter((k) => k !== "invalid");
      const count = (k: string) => valid.filter((x) => x === k).length;
      const majority = [...new Set(valid)].sort((a, b) => count(b) - count(a) || valid.indexOf(a) - valid.indexOf(b))[0];
      if (!majority) return;
      for (const [i, kind] of kinds.entries()) {
        if (kind === "invalid" || kind === majority) continue;
        const first = kinds.indexOf(majority);
        const why =
          kind === "host name" || majority === "host name"
            ? "Packstack accepts or rejects a mix of IP addresses and host names at random"
            : "Packstack rejects IPv4 mixed with IPv6";
        yield {
          path: ["hosts", i, "address"],
          message: `"${spec.hosts[i]!.address}" is ${withArticle(kind)} but hosts[${first}] uses ${withArticle(majority)}: ${why}`,
          expected: `${withArticle(majority)}, like the other hosts`,
        };
      }
    },
  },
  {
    name: "interface-addresses",
    *check({ spec }) {
      for (const [i, host] of spec.hosts.entries()) {
        const names = new Map<string, number>();
        for (const [j, nic] of (host.interfaces ?? []).entries()) {
          const first = names.get(nic.name);
          if (first !== undefined) yield { path: ["hosts", i, "interfaces", j, "name"], message: `interface "${nic.name}" is listed twice (also interfaces[${first}])` };
          else names.set(nic.name, j);
          if (nic.address === undefined) continue;
          const cidr = parseCidr(nic.address);
          if (typeof cidr === "string") {
            yield { path: ["hosts", i, "interfaces", j, "address"], message: `"${nic.address}" is not an address with prefix: ${cidr}`, expected: "an address with prefix such as 10.0.0.11/24" };
          }
        }
      }
    },
  },
  {
    name: "deployer-host",
    *check({ spec }) {
      if (spec.deployer === undefined) return;
      const names = spec.hosts.map((h) => h.name);
      if (!names.includes(spec.deployer)) {
        yield { path: ["deployer"], message: `no host is named "${spec.deployer}"${didYouMean(spec.deployer, names)}`, expected: `one of ${names.join(", ")}` };
      }
    },
  },
  {
    name: "jump-hosts",
    *check({ spec }) {
      const names = spec.hosts.map((h) => h.name);
      const jumpOf = new Map<string, string>();
      for (const [i, host] of spec.hosts.entries()) {
        const jump = host.ssh?.jump;
        if (jump === undefined) continue;
        const path = ["hosts", i, "ssh", "jump"];
        if (jump === host.name) {
          yield { path, message: `host "${host.name}" cannot jump through itself`, expected: "another host of the inventory, or [user@]address[:port]" };
        } else if (names.includes(jump)) {
          jumpOf.set(host.name, jump);
        } else if (!/[@:.]/.test(jump) && !isIP(jump)) {
          // A bare word is meant as a host of this inventory, not a DNS name.
          yield { path, message: `no host is named "${jump}"${didYouMean(jump, names)}`, expected: "another host of the inventory, or [user@]address[:port]" };
        } else {
          const problem = jumpProblem(jump);
          if (problem) yield { path, message: problem, expected: "[user@]address[:port]" };
        }
      }
      for (const [i, host] of spec.hosts.entries()) {
        const chain = [host.name];
        for (let next = jumpOf.get(host.name); next !== undefined; next = jumpOf.get(next)) {
          if (chain.includes(next)) {
            if (next === host.name) {
              yield { path: ["hosts", i, "ssh", "jump"], message: `jump hosts form a loop: ${[...chain, next].join(" → ")}`, expected: "a chain of jump hosts that ends" };
            }
            break;
          }
          chain.push(next);
        }
      }
    },
  },
  {
    name: "release-services",
    *check({ topology, facts }) {
      for (const service of SERVICE_NAMES) {
        if (!isServiceEnabled(topology.services, service) || facts.hasService(service)) continue;
        const available = RELEASES.filter((r) => releaseFacts(r).hasService(service));
        yield {
          path: ["services", service, "enabled"],
          message: `${service} is not available in release ${topology.release} (its catalog has no ${SERVICE_INSTALL_PARAMETERS[service]})`,
          expected: available.length > 0 ? `a release that has it (${available.join(", ")}) or ${service} disabled` : `${service} disabled`,
        };
      }
    },
  },
  {
    name: "release-choices",
    *check({ spec, topology, facts }) {
      const neutron = topology.services.neutron;
      const release = topology.release;
      const agents = facts.choices("CONFIG_NEUTRON_L2_AGENT");
      if (!agents.includes(neutron.l2Agent)) {
        yield {
          path: [...NEUTRON, "l2Agent"],
          message: `L2 agent "${neutron.l2Agent}" is not available in release ${release}${droppedNote("CONFIG_NEUTRON_L2_AGENT", neutron.l2Agent)}`,
          expected: `one of ${agents.join(", ")}`,
        };
      }
      const backends = facts.choices("CONFIG_CINDER_BACKEND");
      for (const [k, backend] of (spec.services?.cinder?.backends ?? []).entries()) {
        if (!backends.includes(backend)) {
          yield {
            path: ["services", "cinder", "backends", k],
            message: `Cinder backend "${backend}" is not available in release ${release}${droppedNote("CONFIG_CINDER_BACKEND", backend)}`,
            expected: `one of ${backends.join(", ")}`,
          };
        }
      }
      for (const [field, parameter] of [
        ["typeDrivers", "CONFIG_NEUTRON_ML2_TYPE_DRIVERS"],
        ["tenantNetworkTypes", "CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES"],
      ] as const) {
        const allowed = facts.choices(parameter);
        for (const [k, type] of neutron[field].entries()) {
          if (!allowed.includes(type)) {
            yield { path: [...NEUTRON, field, k], message: `"${type}" is not accepted by Packstack ${release} as ${field === "typeDrivers" ? "a type driver" : "a tenant network type"}`, expected: `one of ${allowed.join(", ")}` };
          }
        }
      }
    },
  },
  {
    name: "tenant-types-have-drivers",
    *check({ topology }) {
      const { typeDrivers, tenantNetworkTypes } = topology.services.neutron;
      for (const [k, type] of tenantNetworkTypes.entries()) {
        if (!typeDrivers.includes(type)) {
          yield { path: [...NEUTRON, "tenantNetworkTypes", k], message: `tenant network type "${type}" has no type driver`, expected: `one of the type drivers (${typeDrivers.join(", ")}), or add "${type}" to typeDrivers` };
        }
      }
    },
  },
  {
    name: "l2-agent-network-types",
    *check({ topology }) {
      const { l2Agent, typeDrivers, tenantNetworkTypes } = topology.services.neutron;
      // OVN tunnels with Geneve only; GRE/VXLAN tenant networks belong to the OVS agent. Linux bridge has no Geneve or GRE.
      const unsupported: readonly NetworkType[] = l2Agent === "ovn" ? ["gre", "vxlan"] : l2Agent === "linuxbridge" ? ["gre", "geneve"] : [];
      for (const [field, types] of [["typeDrivers", typeDrivers], ["tenantNetworkTypes", tenantNetworkTypes]] as const) {
        for (const [k, type] of types.entries()) {
          if (unsupported.includes(type)) {
            yield {
              path: [...NEUTRON, field, k],
              message: `"${type}" does not work with the ${l2Agent} L2 agent${l2Agent === "ovn" ? " (OVN tunnels with geneve; gre and vxlan need l2Agent openvswitch)" : ""}`,
              expected: `network types the ${l2Agent} agent supports`,
            };
          }
        }
      }
    },
  },
  {
    name: "tunnel-interface-needs-tunnels",
    *check({ topology }) {
      const neutron = topology.services.neutron;
      if (neutron.tunnelInterface !== undefined && !neutron.tenantNetworkTypes.some((t) => TUNNEL_TYPES.includes(t))) {
        yield {
          path: [...NEUTRON, "tunnelInterface"],
          message: `tunnelInterface "${neutron.tunnelInterface}" is unused: no tenant network type tunnels (${neutron.tenantNetworkTypes.join(", ")})`,
          expected: "a tunnelling tenant network type (geneve, vxlan, gre) or no tunnelInterface",
        };
      }
    },
  },
  {
    name: "linuxbridge-mappings",
    *check({ spec, topology }) {
      if (topology.services.neutron.l2Agent !== "linuxbridge") return;
      for (const field of ["bridgeMappings", "bridgeInterfaces"] as const) {
        if (spec.services?.neutron?.[field] !== undefined) {
          yield { path: [...NEUTRON, field], message: `${field} are Open vSwitch/OVN options; the linuxbridge agent maps physical networks to interfaces`, expected: "externalNetwork.interface instead" };
        }
      }
      if (topology.externalNetwork && topology.externalNetwork.interface === undefined) {
        yield { path: EXT, message: "the linuxbridge agent needs the physical interface of the external network", expected: "externalNetwork.interface, e.g. eth1" };
      }
    },
  },
  {
    name: "external-network-mapping",
    *check({ topology }) {
      const ext = topology.externalNetwork;
      const neutron = topology.services.neutron;
      if (!ext || neutron.l2Agent === "linuxbridge") return;
      // Both maps hold the entries derived from externalNetwork unless the user overrode them.
      const mapped = neutron.bridgeMappings[ext.physicalNetwork];
      if (mapped !== ext.bridge) {
        yield {
          path: [...NEUTRON, "bridgeMappings", ext.physicalNetwork],
          message: `physical network "${ext.physicalNetwork}" maps to bridge "${mapped}" but externalNetwork.bridge is "${ext.bridge}"`,
          expected: "the same bridge in both places, or no mapping for the external network's physical network",
        };
      }
      const plugged = neutron.bridgeInterfaces[ext.bridge];
      if (plugged === undefined) {
        yield {
          path: EXT,
          message: `no physical interface is plugged into the external bridge "${ext.bridge}", so the external network cannot reach outside`,
          expected: `externalNetwork.interface (e.g. eth1) or services.neutron.bridgeInterfaces["${ext.bridge}"]`,
        };
      } else if (ext.interface !== undefined && plugged !== ext.interface) {
        yield {
          path: [...NEUTRON, "bridgeInterfaces", ext.bridge],
          message: `bridge "${ext.bridge}" is plugged into "${plugged}" but externalNetwork.interface is "${ext.interface}"`,
          expected: "the same interface in both places, or no entry for the external bridge",
        };
      }
      if (!neutron.typeDrivers.includes(ext.type)) {
        yield { path: [...EXT, "type"], message: `the external network is ${ext.type} but "${ext.type}" is not among the type drivers (${neutron.typeDrivers.join(", ")})`, expected: `typeDrivers including ${ext.type}` };
      }
      if (ext.type === "vlan") {
        if (ext.segmentationId === undefined) yield { path: EXT, message: "a vlan external network needs segmentationId", expected: "segmentationId between 1 and 4094" };
        if (!neutron.vlanRanges.some((r) => r.split(":")[0] === ext.physicalNetwork)) {
          yield { path: [...NEUTRON, "vlanRanges"], message: `the vlan external network's physical network "${ext.physicalNetwork}" is not in vlanRanges`, expected: `an entry "${ext.physicalNetwork}" or "${ext.physicalNetwork}:MIN:MAX"` };
        }
      } else if (ext.segmentationId !== undefined) {
        yield { path: [...EXT, "segmentationId"], message: "segmentationId applies to vlan external networks only", expected: "type: vlan, or no segmentationId" };
      }
    },
  },
  {
    name: "bridge-interfaces-mapped",
    *check({ spec, topology }) {
      const neutron = topology.services.neutron;
      if (neutron.l2Agent === "linuxbridge") return;
      const bridges = Object.values(neutron.bridgeMappings);
      // The external bridge's entry is checked by external-network-mapping.
      for (const bridge of Object.keys(spec.services?.neutron?.bridgeInterfaces ?? {})) {
        if (!bridges.includes(bridge)) {
          yield { path: [...NEUTRON, "bridgeInterfaces", bridge], message: `bridge "${bridge}" is not the target of any bridge mapping${didYouMean(bridge, bridges)}`, expected: `a bridge of bridgeMappings (${bridges.join(", ") || "none"})` };
        }
      }
    },
  },
  {
    name: "vlan-ranges",
    *check({ topology }) {
      const neutron = topology.services.neutron;
      const physnets = Object.keys(neutron.bridgeMappings);
      const usesVlan = neutron.typeDrivers.includes("vlan");
      if (neutron.vlanRanges.length > 0 && !usesVlan) {
        yield { path: [...NEUTRON, "vlanRanges"], message: `vlanRanges are set but "vlan" is not a type driver (${neutron.typeDrivers.join(", ")})`, expected: "typeDrivers including vlan" };
      }
      for (const [k, range] of neutron.vlanRanges.entries()) {
        const [physnet = "", min, max] = range.split(":");
        if (neutron.l2Agent !== "linuxbridge" && !physnets.includes(physnet)) {
          yield { path: [...NEUTRON, "vlanRanges", k], message: `physical network "${physnet}" has no bridge mapping${didYouMean(physnet, physnets)}`, expected: `a physical network of bridgeMappings (${physnets.join(", ") || "none"})` };
        }
        if (min !== undefined && max !== undefined) {
          const lo = Number(min);
          const hi = Number(max);
          if (lo < 1 || hi > 4094 || lo > hi) {
            yield { path: [...NEUTRON, "vlanRanges", k], message: `VLAN range ${min}:${max} is not a range of VLAN ids`, expected: "MIN:MAX with 1 <= MIN <= MAX <= 4094" };
          }
        }
      }
      if (neutron.tenantNetworkTypes.includes("vlan") && !neutron.vlanRanges.some((r) => r.split(":").length === 3)) {
        yield { path: [...NEUTRON, "vlanRanges"], message: "vlan tenant networks need a VLAN id range to allocate from", expected: "an entry physnet:MIN:MAX" };
      }
    },
  },
  {
    name: "external-network-addresses",
    *check({ spec }) {
      const ext = spec.externalNetwork;
      if (!ext) return;
      for (const issue of subnetAddressIssues(ext, "floating IPs")) {
        yield { path: [...EXT, ...issue.field.split(".")], message: issue.message, expected: issue.expected };
      }
    },
  },
  {
    name: "floating-pool-vs-hosts",
    *check({ spec, topology }) {
      const pool = topology.externalNetwork?.allocationPool;
      if (!pool || !ipVersion(pool.start) || !ipVersion(pool.end) || ipVersion(pool.start) !== ipVersion(pool.end)) return;
      const start = ipToBigInt(pool.start);
      const end = ipToBigInt(pool.end);
      for (const host of spec.hosts) {
        if (ipVersion(host.address) !== ipVersion(pool.start)) continue;
        const n = ipToBigInt(host.address);
        if (n >= start && n <= end) {
          yield {
            path: spec.externalNetwork?.allocationPool ? [...EXT, "allocationPool"] : [...EXT, "cidr"],
            message: `the floating IP pool ${pool.start}-${pool.end} contains ${host.address}, the address of host "${host.name}"`,
            expected: "an allocation pool (or external CIDR) that leaves the hosts' addresses out",
          };
        }
      }
    },
  },
  {
    name: "declared-interfaces",
    *check({ spec, topology }) {
      // Only hosts that list their interfaces are checked; preflight checks the real ones.
      const neutron = topology.services.neutron;
      const ext = topology.externalNetwork;
      const networkHosts = spec.hosts.some((h) => h.roles.includes("network")) ? ["network"] : ["controller"];
      for (const [i, host] of spec.hosts.entries()) {
        const names = (host.interfaces ?? []).map((nic) => nic.name);
        if (names.length === 0) continue;
        const isNetworkHost = host.roles.some((r) => networkHosts.includes(r));
        const tunnels = isNetworkHost || host.roles.includes("compute");
        if (ext?.interface !== undefined && isNetworkHost && !names.includes(ext.interface)) {
          yield {
            path: ["hosts", i, "interfaces"],
            message: `network host "${host.name}" lists no interface "${ext.interface}", the external network's interface (it lists ${names.join(", ")})`,
            expected: `an entry { name: ${ext.interface} } or the right externalNetwork.interface`,
          };
        }
        if (neutron.tunnelInterface !== undefined && tunnels && !names.includes(neutron.tunnelInterface)) {
          yield {
            path: ["hosts", i, "interfaces"],
            message: `host "${host.name}" lists no interface "${neutron.tunnelInterface}", the tunnel interface (it lists ${names.join(", ")})`,
            expected: `an entry { name: ${neutron.tunnelInterface} } or the right services.neutron.tunnelInterface`,
          };
        }
      }
    },
  },
  {
    name: "compute-bridges",
    *check({ spec, topology }) {
      // Packstack's CONFIG_NEUTRON_{OVS,OVN}_BRIDGES_COMPUTE (its catalog text): bridges "created and
      // connected to interfaces in compute nodes when flat or vlan type drivers are enabled",
      // which "must exist in" the bridge mappings and bridge interfaces. One interface name per
      // bridge serves every host.
      const neutron = topology.services.neutron;
      const written = spec.services?.neutron?.computeBridges;
      const field = [...NEUTRON, "computeBridges"];
      if (neutron.l2Agent === "linuxbridge") {
        if (written !== undefined) yield { path: field, message: "computeBridges are Open vSwitch/OVN bridges; the linuxbridge agent maps physical networks to interfaces", expected: "no computeBridges with l2Agent linuxbridge" };
        return;
      }
      const mapped = Object.values(neutron.bridgeMappings);
      for (const [k, bridge] of (written ?? []).entries()) {
        if (!mapped.includes(bridge)) {
          yield { path: [...field, k], message: `bridge "${bridge}" is not the target of any bridge mapping${didYouMean(bridge, mapped)}`, expected: `a bridge of bridgeMappings (${mapped.join(", ") || "none"})` };
        } else if (neutron.bridgeInterfaces[bridge] === undefined) {
          yield { path: [...field, k], message: `bridge "${bridge}" has no interface in bridgeInterfaces, so Packstack has nothing to plug into it on the compute hosts`, expected: `services.neutron.bridgeInterfaces["${bridge}"], e.g. eth2` };
        }
      }
      const networkRole: Role = spec.hosts.some((h) => h.roles.includes("network")) ? "network" : "controller";
      const computeOnly = spec.hosts.flatMap((h, i) => (h.roles.includes("compute") && !h.roles.includes(networkRole) ? [i] : []));
      const flatOrVlan = neutron.typeDrivers.some((t) => t === "flat" || t === "vlan");
      // Provider interfaces on compute hosts: each must lead to a bridge the computes get.
      for (const [i, host] of spec.hosts.entries()) {
        if (!host.roles.includes("compute")) continue;
        for (const [j, nic] of (host.interfaces ?? []).entries()) {
          if (nic.purpose !== "provider") continue;
          const path = ["hosts", i, "interfaces", j, "purpose"];
          const bridges = Object.entries(neutron.bridgeInterfaces).filter(([, iface]) => iface === nic.name).map(([b]) => b);
          if (bridges.length === 0) {
            yield { path, message: `provider interface "${nic.name}" of compute host "${host.name}" is plugged into no bridge, so no provider network reaches it`, expected: `services.neutron.bridgeInterfaces { br-NAME: ${nic.name} } with a bridge mapping for br-NAME` };
          } else if (!flatOrVlan) {
            yield { path, message: `provider interface "${nic.name}" of compute host "${host.name}" is unused: Packstack creates compute bridges only with a flat or vlan type driver (${neutron.typeDrivers.join(", ")})`, expected: "typeDrivers including flat or vlan, or another purpose" };
          } else if (written !== undefined && !bridges.some((b) => written.includes(b))) {
            yield { path, message: `provider interface "${nic.name}" of compute host "${host.name}" belongs to bridge "${bridges[0]}", which services.neutron.computeBridges leaves out`, expected: `computeBridges including "${bridges[0]}"` };
          }
        }
      }
      if (neutron.computeBridges.length > 0 && !flatOrVlan && written !== undefined) {
        yield { path: field, message: `Packstack ignores computeBridges without a flat or vlan type driver (${neutron.typeDrivers.join(", ")})`, expected: "typeDrivers including flat or vlan, or no computeBridges" };
      }
      // Packstack plugs the same interface into a compute bridge on every compute host.
      for (const i of computeOnly) {
        const host = spec.hosts[i]!;
        const names = (host.interfaces ?? []).map((nic) => nic.name);
        if (names.length === 0) continue;
        for (const bridge of neutron.computeBridges) {
          const iface = neutron.bridgeInterfaces[bridge];
          if (iface === undefined || names.includes(iface)) continue;
          yield {
            path: ["hosts", i, "interfaces"],
            message: `compute host "${host.name}" lists no interface "${iface}", which Packstack plugs into bridge "${bridge}" on every compute host (it lists ${names.join(", ")})`,
            expected: `an entry { name: ${iface}, purpose: provider }, the same interface name on every compute host`,
          };
        }
      }
      // VLAN tenant networks are placed on compute hosts: their physical networks need bridges there.
      if (computeOnly.length === 0) return;
      const tenantVlan = neutron.tenantNetworkTypes.indexOf("vlan");
      if (tenantVlan >= 0) {
        for (const range of neutron.vlanRanges) {
          const [physnet = "", min] = range.split(":");
          const bridge = neutron.bridgeMappings[physnet];
          if (min === undefined || bridge === undefined || neutron.computeBridges.includes(bridge)) continue;
          yield {
            path: [...NEUTRON, "tenantNetworkTypes", tenantVlan],
            message: `vlan tenant networks on physical network "${physnet}" cannot reach the compute hosts: bridge "${bridge}" is not created there`,
            expected: `compute hosts listing the interface of "${bridge}" with purpose: provider, or services.neutron.computeBridges including "${bridge}"`,
          };
        }
      }
      const tenantFlat = neutron.tenantNetworkTypes.indexOf("flat");
      if (tenantFlat >= 0 && neutron.computeBridges.length === 0) {
        yield {
          path: [...NEUTRON, "tenantNetworkTypes", tenantFlat],
          message: "flat tenant networks cannot reach the compute hosts: no bridge is created there",
          expected: "compute hosts listing an interface with purpose: provider, or services.neutron.computeBridges",
        };
      }
    },
  },
  {
    name: "service-dependencies",
    *check({ topology }) {
      const s = topology.services;
      if (s.aodh.enabled && !s.ceilometer.enabled) {
        yield { path: ["services", "aodh", "enabled"], message: "Aodh needs Ceilometer (alarms evaluate telemetry)", expected: "services.ceilometer.enabled: true, or aodh disabled" };
      }
      if (s.magnum.enabled && !s.heat.enabled) {
        yield { path: ["services", "magnum", "enabled"], message: "Magnum needs Heat (it builds clusters with Heat stacks)", expected: "services.heat.enabled: true, or magnum disabled" };
      }
      if (s.glance.enabled && s.glance.backend === "swift" && !s.swift.enabled) {
        yield { path: ["services", "glance", "backend"], message: "Glance stores images in Swift but Swift is disabled", expected: "services.swift.enabled: true, or backend: file" };
      }
      if (s.trove.enabled && !s.nova.enabled) {
        yield { path: ["services", "trove", "enabled"], message: "Trove needs Nova (database instances are servers)", expected: "services.nova.enabled: true, or trove disabled" };
      }
    },
  },
  {
    name: "cinder-nfs",
    *check({ spec, topology }) {
      const cinder = topology.services.cinder;
      const usesNfs = cinder.backends.includes("nfs");
      if (cinder.enabled && usesNfs && cinder.nfsMounts.length === 0) {
        yield { path: ["services", "cinder", "backends", cinder.backends.indexOf("nfs")], message: "the nfs backend needs at least one export in nfsMounts", expected: "nfsMounts such as 192.0.2.20:/export/cinder" };
      }
      if (!usesNfs && (spec.services?.cinder?.nfsMounts?.length ?? 0) > 0) {
        yield { path: ["services", "cinder", "nfsMounts"], message: "nfsMounts are set but nfs is not a Cinder backend", expected: "backends including nfs, or no nfsMounts" };
      }
    },
  },
  {
    name: "ntp-servers",
    *check({ spec }) {
      for (const [k, server] of (spec.ntpServers ?? []).entries()) {
        const problem = addressProblem(server);
        if (problem) yield { path: ["ntpServers", k], message: problem, expected: "an IP address or a DNS name" };
      }
    },
  },
  {
    name: "packstack-override-names",
    *check({ spec, topology, facts }) {
      for (const name of Object.keys(spec.packstack ?? {})) {
        const path = ["packstack", name];
        if (facts.hasParameter(name)) continue;
        const replacement = facts.replacementOf(name);
        if (replacement) {
          yield { path, message: `${name} is a deprecated name; use ${replacement}`, expected: replacement };
          continue;
        }
        const elsewhere = RELEASES.filter((r) => r !== topology.release && releaseFacts(r).hasParameter(name));
        const hint = elsewhere.length > 0 ? ` (it exists in ${elsewhere.join(", ")})` : didYouMean(name, facts.parameterNames);
        yield { path, message: `Packstack ${topology.release} has no parameter ${name}${hint}`, expected: `a parameter of the ${topology.release} catalog` };
      }
    },
  },
];

/** Issues from every rule, tagged with the rule's name. */
export function ruleIssues(spec: TopologySpec, topology: Topology): PendingIssue[] {
  const ctx: RuleContext = { spec, topology, facts: releaseFacts(topology.release) };
  return RULES.flatMap((rule) => [...rule.check(ctx)].map((issue) => ({ ...issue, rule: rule.name })));
}

function withArticle(noun: string): string {
  return /^[aeiouAEIOU]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** Why `text` is neither an IP address nor a DNS name, or undefined when it is one of them. */
function addressProblem(text: string): string | undefined {
  if (ipVersion(text)) return undefined;
  if (looksLikeIp(text)) return `"${text}" is not a valid IP address`;
  if (!DNS_NAME.test(text)) return `"${text}" is neither an IP address nor a valid host name`;
  return undefined;
}

/** Checks `[user@]address[:port]` of an ssh jump that is not an inventory host. */
function jumpProblem(jump: string): string | undefined {
  const match = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(jump);
  if (!match) return `"${jump}" is not [user@]address[:port]`;
  const address = (match[2] ?? "").replace(/^\[|\]$/g, "");
  const problem = addressProblem(address);
  if (problem) return `jump ${problem}`;
  if (match[3] !== undefined && (Number(match[3]) < 1 || Number(match[3]) > 65535)) return `jump port ${match[3]} is out of range`;
  return undefined;
}

/** ` (removed in RELEASE)` when an earlier release accepted the choice. */
function droppedNote(parameter: string, choice: string): string {
  const had = RELEASES.filter((r) => releaseFacts(r).choices(parameter).includes(choice));
  return had.length > 0 ? ` (Packstack dropped it; releases with it: ${had.join(", ")})` : "";
}

