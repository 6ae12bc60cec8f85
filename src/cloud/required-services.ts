import { TerraformDataSource, TerraformResource, type Construct } from "../cdktf";
import { isServiceEnabled, type ServiceName, type Topology } from "../topology";
import { validateAtSynth } from "./validation";

/**
 * Resource type prefix → the topology's service that must be installed for it. A stack that makes
 * a Heat stack on a cloud without Heat fails its apply after minutes with "No suitable endpoint";
 * with the topology known, synth says so first.
 */
const NEEDS: readonly [prefix: string, service: ServiceName, label: string][] = [
  ["openstack_orchestration_", "heat", "Heat"],
  ["openstack_blockstorage_", "cinder", "Cinder"],
  ["openstack_objectstorage_", "swift", "Swift"],
  ["openstack_images_", "glance", "Glance"],
  ["openstack_compute_", "nova", "Nova"],
];

/**
 * At synth, one problem per service the stack's resources need that the topology does not
 * install, naming the first construct that needs it and the switch to turn on.
 */
export function requireTopologyServices(stack: Construct, topology: Topology | undefined): void {
  if (!topology) return;
  validateAtSynth(stack, () => {
    const problems: string[] = [];
    const reported = new Set<string>();
    for (const node of stack.node.findAll()) {
      if (!(node instanceof TerraformResource) && !(node instanceof TerraformDataSource)) continue;
      const type = node.terraformResourceType;
      for (const [prefix, service, label] of NEEDS) {
        if (!type.startsWith(prefix) || reported.has(service)) continue;
        if (isServiceEnabled(topology.services, service)) continue;
        reported.add(service);
        const owner = node.node.scope?.node.path ?? node.node.path;
        problems.push(`${owner} needs ${label} (${type}), which topology ${topology.name} does not install: set services.${service}.enabled: true in the inventory, or leave this construct out`);
      }
    }
    return problems;
  });
}
