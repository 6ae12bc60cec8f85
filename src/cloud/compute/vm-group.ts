import { Construct } from "../../cdktf";
import { ComputeServergroupV2 } from "../provider";
import { addProblem } from "../validation";
import { Server, type ServerSpec } from "./server";

/** Nova server group policies: same host, different hosts, or as far as the scheduler can. */
export type ServerGroupPolicy = "affinity" | "anti-affinity" | "soft-affinity" | "soft-anti-affinity";

/** Props of {@link VmGroup}: a {@link ServerSpec} repeated `count` times. */
export interface VmGroupProps extends Omit<ServerSpec, "serverGroupId"> {
  /** Servers are named `<namePrefix>-1` … `<namePrefix>-<count>`. */
  readonly namePrefix: string;
  /** How many identical servers. 0 keeps the group (and its server group) with no servers. */
  readonly count: number;
  /**
   * Placement policy of a Nova server group holding the servers; `anti-affinity` spreads them
   * over hypervisors (and fails when there are fewer hypervisors than servers).
   * @default no server group
   */
  readonly serverGroupPolicy?: ServerGroupPolicy;
}

/**
 * "Template a VM once, apply it at any count": `count` servers with one spec (image, flavor,
 * ports on the same networks and security groups, keypair, user data, optional floating IPs)
 * as native Terraform resources, one {@link Server} each, so a plan shows every server and a
 * count change adds or removes servers at the end without touching the others.
 */
export class VmGroup extends Construct {
  /** The servers, `<namePrefix>-1` to `<namePrefix>-<count>`. */
  readonly servers: Server[] = [];
  /** The server group made for `serverGroupPolicy`. */
  readonly serverGroup?: ComputeServergroupV2;

  constructor(scope: Construct, id: string, props: VmGroupProps) {
    super(scope, id);
    if (!Number.isInteger(props.count) || props.count < 0) {
      addProblem(this, `count is ${props.count}; expected an integer ≥ 0`);
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(props.namePrefix)) {
      addProblem(this, `namePrefix ${JSON.stringify(props.namePrefix)} must be letters, digits and "-" (it becomes host names)`);
    }
    if ((props.volumes ?? []).length > 0) {
      addProblem(this, "volumes of a VmGroup would be attached to every server; attach one volume per server with Server.attachVolume");
    }
    if (props.ports.some((p) => "existing" in p)) {
      addProblem(this, "ports of a VmGroup cannot be existing ports: every server would claim the same port");
    }
    const pinned = props.ports.filter((p) => !("existing" in p) && p.fixedIp !== undefined);
    if (pinned.length > 0) {
      addProblem(this, "ports of a VmGroup cannot have fixedIp: every server would claim the same address");
    }
    if (props.serverGroupPolicy) {
      this.serverGroup = new ComputeServergroupV2(this, "server-group", {
        name: props.namePrefix,
        policies: [props.serverGroupPolicy],
      });
    }
    const { namePrefix, count, serverGroupPolicy, ...spec } = props;
    void serverGroupPolicy;
    const servers = Number.isInteger(count) && count > 0 ? count : 0;
    for (let i = 1; i <= servers; i++) {
      this.servers.push(
        new Server(this, `server-${i}`, { ...spec, name: `${namePrefix}-${i}`, serverGroupId: this.serverGroup?.id }),
      );
    }
  }
}
