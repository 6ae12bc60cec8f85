import { Construct } from "../../cdktf";
import presets from "../data/security-group-presets.json";
import { ImportedSecurityGroup, type ScopedLookupOptions } from "../imported";
import type { IProject, ISecurityGroup } from "../interfaces";
import { NetworkingSecgroupRuleV2, NetworkingSecgroupV2 } from "../provider";
import { addProblem } from "../validation";
import { parseCidr, prefixIssue } from "../../topology/net";

/** Ready-made ingress rules; see src/cloud/data/security-group-presets.json. */
export type SecurityGroupPreset = "ssh" | "icmp" | "http" | "https";
/** Every preset name. */
export const SECURITY_GROUP_PRESETS = ["ssh", "icmp", "http", "https"] as const satisfies readonly SecurityGroupPreset[];

/** One rule of a {@link SecurityGroup}. */
export interface SecurityGroupRuleSpec {
  /** @default "ingress" */
  readonly direction?: "ingress" | "egress";
  /** `tcp`, `udp`, `icmp`, … or an IP protocol number. @default any protocol */
  readonly protocol?: string;
  /** One port or an inclusive range; tcp/udp only. @default every port */
  readonly ports?: number | readonly [number, number];
  /** Peer addresses. @default everywhere ("0.0.0.0/0" or "::/0") unless remoteGroup is set */
  readonly remoteCidr?: string;
  /** Peer security group; `"self"` for members of this group. Excludes remoteCidr. */
  readonly remoteGroup?: ISecurityGroup | "self";
  /** @default from remoteCidr, else "IPv4" */
  readonly ethertype?: "IPv4" | "IPv6";
  /** @default none */
  readonly description?: string;
}

/** Props of {@link SecurityGroup}. */
export interface SecurityGroupProps {
  /** Group name (several projects may each have one of this name). */
  readonly name: string;
  /** @default none */
  readonly description?: string;
  /** @default [] */
  readonly presets?: readonly SecurityGroupPreset[];
  /** Where preset rules admit traffic from. @default "0.0.0.0/0" */
  readonly presetRemoteCidr?: string;
  /** @default [] */
  readonly rules?: readonly SecurityGroupRuleSpec[];
  /**
   * Drop Neutron's default egress-allow rules and manage egress here only.
   * @default false
   */
  readonly deleteDefaultRules?: boolean;
  /** @default the provider's project */
  readonly project?: IProject;
}

/** A Neutron security group from presets and custom rules. */
export class SecurityGroup extends Construct implements ISecurityGroup {
  /** A security group the cloud has, by name (give `project` where several projects have one of that name, `default` say). */
  static fromName(scope: Construct, id: string, name: string, options: ScopedLookupOptions = {}): ISecurityGroup {
    return new ImportedSecurityGroup(scope, id, { name }, options);
  }

  /** A security group the cloud has, by id. */
  static fromId(scope: Construct, id: string, groupId: string, options: ScopedLookupOptions = {}): ISecurityGroup {
    return new ImportedSecurityGroup(scope, id, { id: groupId }, options);
  }

  /** The provider resource: the escape hatch for arguments the props do not cover. */
  readonly resource: NetworkingSecgroupV2;
  /** Name as the cloud knows it. */
  readonly name: string;
  readonly project?: IProject;
  private readonly projectId?: string;
  private ruleCount = 0;
  private ownRuleCount = 0;

  constructor(scope: Construct, id: string, props: SecurityGroupProps) {
    super(scope, id);
    this.name = props.name;
    this.project = props.project;
    this.projectId = props.project?.id;
    this.resource = new NetworkingSecgroupV2(this, "group", {
      name: props.name,
      description: props.description,
      deleteDefaultRules: props.deleteDefaultRules,
      tenantId: this.projectId,
    });
    const seen = new Set<SecurityGroupPreset>();
    for (const preset of props.presets ?? []) {
      if (!SECURITY_GROUP_PRESETS.includes(preset)) {
        addProblem(this, `unknown preset ${String(preset)}; expected one of ${SECURITY_GROUP_PRESETS.join(", ")}`);
        continue;
      }
      if (seen.has(preset)) continue;
      seen.add(preset);
      for (const rule of presets[preset]) {
        const ports = "ports" in rule ? rule.ports : undefined;
        this.addRuleLabelled({ ...rule, ports, remoteCidr: props.presetRemoteCidr ?? "0.0.0.0/0" }, preset, `preset ${preset}`);
      }
    }
    for (const rule of props.rules ?? []) this.addRule(rule);
  }

  get id(): string {
    return this.resource.id;
  }

  /** Adds one rule of your own; problems name it `rule N`, N counting your rules from 1. */
  addRule(rule: SecurityGroupRuleSpec): NetworkingSecgroupRuleV2 {
    return this.addRuleLabelled(rule, "custom", `rule ${++this.ownRuleCount}`);
  }

  /** `label` names the construct (`rule-ssh-1`, numbered over all rules so ids stay stable); `what` names the rule in problems. */
  private addRuleLabelled(rule: SecurityGroupRuleSpec, label: string, what: string): NetworkingSecgroupRuleV2 {
    const index = ++this.ruleCount;
    if (rule.remoteCidr !== undefined && rule.remoteGroup !== undefined) {
      addProblem(this, `${what}: remoteCidr and remoteGroup exclude each other`);
    }
    let ethertype = rule.ethertype;
    if (rule.remoteCidr !== undefined) {
      const issue = prefixIssue(rule.remoteCidr);
      const cidr = parseCidr(rule.remoteCidr);
      if (issue) addProblem(this, `${what}: remoteCidr ${issue.message} (expected ${issue.expected})`);
      if (typeof cidr !== "string") {
        const version = cidr.version === 4 ? "IPv4" : "IPv6";
        if (ethertype !== undefined && ethertype !== version) {
          addProblem(this, `${what}: ethertype ${ethertype} does not match remoteCidr ${rule.remoteCidr}`);
        }
        ethertype = version;
      }
    }
    let portMin: number | undefined;
    let portMax: number | undefined;
    if (rule.ports !== undefined) {
      if (rule.protocol !== "tcp" && rule.protocol !== "udp" && rule.protocol !== "sctp") {
        addProblem(this, `${what}: ports need protocol tcp, udp or sctp, not ${rule.protocol ?? "any"}`);
      }
      [portMin, portMax] = typeof rule.ports === "number" ? [rule.ports, rule.ports] : rule.ports;
      if (!validPort(portMin) || !validPort(portMax) || portMin > portMax) {
        addProblem(this, `${what}: port range ${portMin}-${portMax} is not within 1-65535 in order`);
      }
    }
    const remoteGroupId =
      rule.remoteGroup === undefined ? undefined : rule.remoteGroup === "self" ? this.id : rule.remoteGroup.id;
    return new NetworkingSecgroupRuleV2(this, `rule-${label}-${index}`, {
      securityGroupId: this.id,
      direction: rule.direction ?? "ingress",
      ethertype: ethertype ?? "IPv4",
      protocol: rule.protocol,
      portRangeMin: portMin,
      portRangeMax: portMax,
      remoteIpPrefix: rule.remoteCidr ?? (remoteGroupId === undefined ? (ethertype === "IPv6" ? "::/0" : "0.0.0.0/0") : undefined),
      remoteGroupId,
      description: rule.description,
      tenantId: this.projectId,
    });
  }
}

function validPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}
