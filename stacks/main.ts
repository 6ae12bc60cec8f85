import { App } from "../src/cdktf";
import { AppTemplateStack } from "./app-template";
import { optionalTopology, synthesizeApp, type CloudStackProps } from "./common";
import { IdentityStack } from "./identity";
import { LabBasicsStack } from "./lab-basics";

/**
 * The cdktf app `cdktf synth` runs (cdktf.json). `RDOCTL_CLOUD=<name>` points the provider at a
 * cloud rdoctl installed; otherwise the clouds.yaml entry named after the topology (or
 * `openstack`) is used, wherever OS_CLIENT_CONFIG_FILE says.
 */
const problems = synthesizeApp(new App(), (app) => {
  const topology = optionalTopology();
  const installed = process.env.RDOCTL_CLOUD;
  const props: CloudStackProps = installed ? { topology, cloud: { installed } } : { topology };
  new LabBasicsStack(app, "lab-basics", props);
  new IdentityStack(app, "identity", props);
  new AppTemplateStack(app, "app-template", props);
});
for (const problem of problems) process.stderr.write(`rdoctl: ${problem}\n`);
if (problems.length > 0) process.exitCode = 1;
