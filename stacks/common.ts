import * as fs from "node:fs";
import * as path from "node:path";
import type { Construct } from "../src/cdktf";
import { OpenStackCloud, type OpenStackCloudProps } from "../src/cloud";
import { RdoctlError } from "../src/errors";
import { loadTopology, type Topology } from "../src/topology";

/** How every stack of the app reaches the cloud. */
export interface CloudStackProps {
  /**
   * The topology the cloud was installed from; enables the checks that need it (external
   * network vs bridge mappings). @default none
   */
  readonly topology?: Topology;
  /**
   * Provider settings. @default the clouds.yaml entry named after the topology, else "openstack",
   * found through OS_CLIENT_CONFIG_FILE and the standard clouds.yaml locations
   */
  readonly cloud?: OpenStackCloudProps | { readonly installed: string };
}

export function addCloud(scope: Construct, props: CloudStackProps): OpenStackCloud {
  const cloud = props.cloud;
  if (cloud && "installed" in cloud) return OpenStackCloud.installed(scope, "cloud", cloud.installed);
  return new OpenStackCloud(scope, "cloud", cloud ?? { cloud: props.topology?.name ?? "openstack" });
}

/**
 * The topology the stacks read, when there is one: `$RDOCTL_INVENTORY` (a YAML inventory or a
 * TypeScript/JavaScript topology module, see loadTopology), else inventories/all-in-one.yaml.
 * Without RDOCTL_INVENTORY, an absent default file means no topology (and no topology checks);
 * a file named by RDOCTL_INVENTORY must exist, and a file that exists but is invalid is an error.
 */
export function optionalTopology(env: NodeJS.ProcessEnv = process.env): Topology | undefined {
  const named = env.RDOCTL_INVENTORY;
  if (named !== undefined && named !== "") {
    if (!fs.existsSync(named)) throw new RdoctlError(`RDOCTL_INVENTORY=${named}: no such file; set it to an inventory or topology module, or unset it to use inventories/all-in-one.yaml`);
    return loadTopology(named);
  }
  const file = path.join(__dirname, "..", "inventories", "all-in-one.yaml");
  return fs.existsSync(file) ? loadTopology(file) : undefined;
}

/** The one-line reporting lives in the library, so an own cdktf app gets the same. */
export { runApp, synthesizeApp } from "../src/cloud";
