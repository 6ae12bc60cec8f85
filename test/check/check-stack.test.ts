import { describe, expect, it } from "vitest";
import { checkSynthesizedStack } from "../../src/cloud/check";
import { errors, fixtureStack, lines, miniSchema } from "./helpers";

/** Applies `mutate` to a fresh copy of the correct fixture stack and returns the error lines. */
function broken(mutate: (stack: Record<string, any>) => void): string[] {
  const stack = fixtureStack("good");
  mutate(stack);
  return lines(stack).filter((l) => !l.includes("warning:"));
}

const res = (s: Record<string, any>) => s.resource;

describe("checkSynthesizedStack on a correct stack", () => {
  it("finds nothing: meta-arguments, dynamic blocks, count, splats, for expressions, escapes, aliases", () => {
    expect(lines(fixtureStack("good"))).toEqual([]);
  });
});

describe("checkSynthesizedStack catches each kind of mistake with a line naming resource and attribute", () => {
  it("unknown resource type, with did-you-mean", () => {
    const out = broken((s) => {
      res(s).openstack_networking_netwrk_v2 = { oops: { "//": { metadata: { path: "good/net/oops" } }, name: "x" } };
    });
    expect(out).toEqual([
      'cdk.tf.json: good openstack_networking_netwrk_v2.oops (good/net/oops): unknown resource type "openstack_networking_netwrk_v2" in terraform-provider-openstack/openstack; did you mean "openstack_networking_network_v2"?',
    ]);
  });

  it("unknown data source type", () => {
    const out = broken((s) => {
      s.data.openstack_images_image_v3 = { img: { name: "x" } };
    });
    expect(out).toEqual([expect.stringMatching(/good data\.openstack_images_image_v3\.img: unknown data source type .*did you mean "openstack_images_image_v2"/)]);
  });

  it("typo in an attribute, with did-you-mean", () => {
    const out = broken((s) => {
      res(s).openstack_networking_subnet_v2.tenant.netwrok_id = res(s).openstack_networking_subnet_v2.tenant.network_id;
      delete res(s).openstack_networking_subnet_v2.tenant.network_id;
    });
    expect(out).toEqual([
      'cdk.tf.json: good openstack_networking_subnet_v2.tenant (good/net/tenant-subnet): netwrok_id: unknown attribute "netwrok_id"; did you mean "network_id"?',
      'cdk.tf.json: good openstack_networking_subnet_v2.tenant (good/net/tenant-subnet): network_id: missing required attribute "network_id"',
    ]);
  });

  it("unknown attribute inside a nested block, named by its full path", () => {
    const out = broken((s) => {
      res(s).openstack_networking_router_v2.router.external_fixed_ip[0].subnet = "x";
    });
    expect(out).toEqual([expect.stringContaining('openstack_networking_router_v2.router (good/net/router): external_fixed_ip[0].subnet: unknown attribute "subnet"; did you mean "subnet_id"?')]);
  });

  it("unknown block and a timeouts block on a type without timeouts", () => {
    const out = broken((s) => {
      res(s).openstack_compute_keypair_v2.kp.timeouts = { create: "1m" };
      res(s).openstack_compute_keypair_v2.kp.netwrk = [{ uuid: "x" }];
    });
    expect(out).toEqual([
      expect.stringContaining('openstack_compute_keypair_v2.kp (good/app/keypair): timeouts: unknown block "timeouts"; this type declares no timeouts'),
      expect.stringContaining('openstack_compute_keypair_v2.kp (good/app/keypair): netwrk: unknown block "netwrk"'),
    ]);
  });

  it("a computed-only attribute set by the user", () => {
    const out = broken((s) => {
      res(s).openstack_compute_keypair_v2.kp.private_key = "-----BEGIN";
    });
    expect(out).toEqual([expect.stringContaining('openstack_compute_keypair_v2.kp (good/app/keypair): private_key: "private_key" is computed by the provider and cannot be set')]);
  });

  it("missing required attribute, also inside a block, and a missing required block", () => {
    const out = broken((s) => {
      delete res(s).openstack_compute_instance_v2.bastion.name;
      delete res(s).openstack_compute_instance_v2.bastion.personality.content;
      delete res(s).openstack_compute_instance_v2.web.personality;
    });
    expect(out).toEqual([
      expect.stringContaining('openstack_compute_instance_v2.web (good/app/web): personality: missing required block "personality" (at least 1)'),
      expect.stringContaining('openstack_compute_instance_v2.bastion (good/app/bastion): personality.content: missing required attribute "content"'),
      expect.stringContaining('openstack_compute_instance_v2.bastion (good/app/bastion): name: missing required attribute "name"'),
    ]);
  });

  it("wrong literal types, while Terraform's own conversions pass", () => {
    const out = broken((s) => {
      const subnet = res(s).openstack_networking_subnet_v2.tenant;
      subnet.ip_version = "four";
      subnet.enable_dhcp = "yes";
      subnet.dns_nameservers = "8.8.8.8";
      subnet.cidr = ["10.0.0.0/24"];
      res(s).openstack_compute_instance_v2.web.metadata = ["role=web"];
      res(s).openstack_compute_instance_v2.web.scheduler_hints_object = { group: "g" };
      res(s).openstack_networking_network_v2.tenant.admin_state_up = 1;
    });
    expect(out).toEqual([
      expect.stringContaining('openstack_networking_network_v2.tenant (good/net/tenant): admin_state_up: expected bool, got the number 1'),
      expect.stringContaining('openstack_networking_subnet_v2.tenant (good/net/tenant-subnet): cidr: expected string, got a list of 1'),
      expect.stringContaining('ip_version: expected number, got the string "four"; Terraform cannot convert it to a number'),
      expect.stringContaining('dns_nameservers: expected list of string, got the string "8.8.8.8"'),
      expect.stringContaining('enable_dhcp: expected bool, got the string "yes"'),
      expect.stringContaining('openstack_compute_instance_v2.web (good/app/web): metadata: expected map of string, got a list of 1'),
      expect.stringContaining('scheduler_hints_object.same_host: missing object attribute "same_host"'),
    ]);
  });

  it("a bool where a number is expected is only a warning", () => {
    const stack = fixtureStack("good");
    res(stack).openstack_networking_subnet_v2.tenant.ip_version = true;
    const findings = checkSynthesizedStack(stack, miniSchema);
    expect(findings).toMatchObject([{ severity: "warning", rule: "type", attributePath: "ip_version" }]);
  });

  it("too many blocks, a single block given twice, and a block given as an expression", () => {
    const out = broken((s) => {
      const router = res(s).openstack_networking_router_v2.router;
      router.vendor_options = [{ set_router_gateway_after_create: true }, { set_router_gateway_after_create: false }];
      router.timeouts = [{ create: "1m" }, { create: "2m" }];
      res(s).openstack_compute_instance_v2.web.personality = [1, 2, 3].map((n) => ({ file: `/f${n}`, content: "x" }));
      res(s).openstack_compute_instance_v2.bastion.network = "${var.networks}";
    });
    expect(out).toEqual([
      expect.stringContaining('openstack_networking_router_v2.router (good/net/router): vendor_options: too many "vendor_options" blocks: 2, at most 1'),
      expect.stringContaining('openstack_networking_router_v2.router (good/net/router): timeouts: "timeouts" is a single block; got 2'),
      expect.stringContaining('openstack_compute_instance_v2.web (good/app/web): personality: too many "personality" blocks: 3, at most 2'),
      expect.stringContaining('openstack_compute_instance_v2.bastion (good/app/bastion): network: "network" is a block; it cannot be set from an expression (use a dynamic block)'),
      expect.stringContaining('network: var.networks: no variable "networks" in this stack'),
    ]);
  });

  it("a dangling reference to an undeclared resource", () => {
    const out = broken((s) => {
      res(s).openstack_networking_subnet_v2.tenant.network_id = "${openstack_networking_network_v2.nope.id}";
    });
    expect(out).toEqual([
      'cdk.tf.json: good openstack_networking_subnet_v2.tenant (good/net/tenant-subnet): network_id: openstack_networking_network_v2.nope.id: no openstack_networking_network_v2 resource named "nope"; declared: ext, tenant',
    ]);
  });

  it("a reference to a type the stack never declares, inside a larger string", () => {
    const out = broken((s) => {
      res(s).openstack_compute_instance_v2.bastion.user_data = "#!/bin/sh\necho ${openstack_networking_port_v2.p.all_fixed_ips[0]} > /x";
    });
    expect(out).toEqual([expect.stringContaining("bastion (good/app/bastion): user_data: openstack_networking_port_v2.p.all_fixed_ips[0]: the stack declares no resource of type openstack_networking_port_v2")]);
  });

  it("a reference to an attribute the declared resource's type does not have, at any depth", () => {
    const out = broken((s) => {
      const bastion = res(s).openstack_compute_instance_v2.bastion;
      bastion.user_data = "${openstack_compute_instance_v2.web[0].network[0].fixed_ip}";
      bastion.key_pair = "${openstack_compute_keypair_v2.kp.nme}";
      s.output.router_ip.value = "${openstack_networking_router_v2.router.external_fixed_ips[0].ip_address}";
      s.output.image = { value: "${data.openstack_images_image_v2.cirros.checksum_md5}" };
    });
    expect(out).toEqual([
      expect.stringContaining('bastion (good/app/bastion): user_data: openstack_compute_instance_v2.web[0].network[0].fixed_ip: "fixed_ip" is not an attribute of openstack_compute_instance_v2.web.network[0]; did you mean "fixed_ip_v4"?'),
      expect.stringContaining('bastion (good/app/bastion): key_pair: openstack_compute_keypair_v2.kp.nme: "nme" is not an attribute of openstack_compute_keypair_v2.kp; did you mean "name"?'),
      expect.stringContaining('output.router_ip: value: openstack_networking_router_v2.router.external_fixed_ips[0].ip_address: "external_fixed_ips" is not an attribute of openstack_networking_router_v2.router; did you mean "external_fixed_ip"?'),
      expect.stringContaining('output.image: value: data.openstack_images_image_v2.cirros.checksum_md5: "checksum_md5" is not an attribute of data.openstack_images_image_v2.cirros'),
    ]);
  });

  it("instance keys: count needs an index, plain resources have none, sets and list blocks are indexed correctly", () => {
    const out = broken((s) => {
      const bastion = res(s).openstack_compute_instance_v2.bastion;
      bastion.user_data = "${openstack_compute_instance_v2.web.access_ip_v4}";
      bastion.image_id = "${openstack_compute_keypair_v2.kp[0].name}";
      bastion.flavor_name = "${openstack_networking_network_v2.ext.segments[0].physical_network}";
      s.output.router_ip.value = "${openstack_networking_router_v2.router.external_fixed_ip.ip_address}";
    });
    expect(out).toEqual([
      expect.stringContaining("user_data: openstack_compute_instance_v2.web.access_ip_v4: openstack_compute_instance_v2.web sets count; name an instance"),
      expect.stringContaining("image_id: openstack_compute_keypair_v2.kp[0].name: openstack_compute_keypair_v2.kp sets neither count nor for_each"),
      expect.stringContaining("flavor_name: openstack_networking_network_v2.ext.segments[0].physical_network: openstack_networking_network_v2.ext.segments is a set of blocks and cannot be indexed"),
      expect.stringContaining("output.router_ip: value: openstack_networking_router_v2.router.external_fixed_ip.ip_address: openstack_networking_router_v2.router.external_fixed_ip is a list of blocks; index it first"),
    ]);
  });

  it("bad depends_on entries: undeclared target, attribute instead of resource, not a reference", () => {
    const out = broken((s) => {
      res(s).openstack_networking_router_interface_v2.tenant.depends_on = [
        "${openstack_networking_router_v2.routr}",
        "openstack_networking_subnet_v2.tenant.id",
        "${data.openstack_images_image_v2.cirros}",
        "router please",
      ];
    });
    expect(out).toEqual([
      expect.stringContaining('openstack_networking_router_interface_v2.tenant (good/net/router-interface): depends_on[0]: openstack_networking_router_v2.routr: no openstack_networking_router_v2 resource named "routr"; did you mean "router"?'),
      expect.stringContaining("depends_on[1]: openstack_networking_subnet_v2.tenant.id: depends_on names whole resources, not attributes; use openstack_networking_subnet_v2.tenant"),
      expect.stringContaining('depends_on[3]: "router please" is not a reference'),
    ]);
  });

  it("a shell variable left unescaped in user data", () => {
    const out = broken((s) => {
      res(s).openstack_compute_instance_v2.bastion.user_data = "#!/bin/sh\necho $${HOME} ok\nhostname ${HOSTNAME}\n";
    });
    expect(out).toEqual([
      'cdk.tf.json: good openstack_compute_instance_v2.bastion (good/app/bastion): user_data: HOSTNAME: ${HOSTNAME} is not something Terraform can resolve; for a literal "${" (a shell variable in user data, say) write "$${" (Fn.rawString in cdktf)',
    ]);
  });

  it("variables, locals, count.index and each outside their scope", () => {
    const out = broken((s) => {
      res(s).openstack_networking_network_v2.tenant.name = "${var.nmae}-${local.dsn}";
      res(s).openstack_compute_keypair_v2.kp.name = "kp-${count.index}-${each.key}";
    });
    expect(out).toEqual([
      expect.stringContaining('tenant (good/net/tenant): name: var.nmae: no variable "nmae" in this stack'),
      expect.stringContaining('tenant (good/net/tenant): name: local.dsn: no local value "dsn" in this stack; did you mean "dns"?'),
      expect.stringContaining("kp (good/app/keypair): name: count.index: count.index is only defined in a resource or data source that sets count"),
      expect.stringContaining("kp (good/app/keypair): name: each.key: each is only defined in a resource or data source that sets for_each"),
    ]);
  });

  it("meta-arguments: unknown ones, lifecycle keys, ignore_changes names, provider aliases, count values", () => {
    const out = broken((s) => {
      const net = res(s).openstack_networking_network_v2.tenant;
      net.lifecycle = { prevent_destory: true, ignore_changes: ["nmae"] };
      net.provider = "openstack.admn";
      res(s).openstack_networking_router_interface_v2.tenant.count = -1;
      s.data.openstack_images_image_v2.cirros.lifecycle = { create_before_destroy: true };
    });
    expect(out).toEqual([
      expect.stringContaining('tenant (good/net/tenant): provider: no provider configuration "openstack.admn" in this stack; did you mean "openstack.admin"?'),
      expect.stringContaining('tenant (good/net/tenant): lifecycle.prevent_destory: not a lifecycle argument; did you mean "prevent_destroy"?'),
      expect.stringContaining('tenant (good/net/tenant): lifecycle.ignore_changes[0]: "nmae" is not an attribute or block of this type; did you mean "name"?'),
      expect.stringContaining("openstack_networking_router_interface_v2.tenant (good/net/router-interface): count: count must be a whole number ≥ 0 or an expression, got -1"),
      expect.stringContaining('data.openstack_images_image_v2.cirros (good/images/cirros): lifecycle.create_before_destroy: not a lifecycle argument of a data source'),
    ]);
  });

  it("an output carrying a sensitive attribute or variable without sensitive = true", () => {
    const out = broken((s) => {
      delete s.output.private_key.sensitive;
      s.variable.cloud.sensitive = true;
      s.output.cloud = { value: { name: "${var.cloud}" } };
      s.output.whole_keypair = { value: "${openstack_compute_keypair_v2.kp}" };
      s.output.public_key = { value: "${openstack_compute_keypair_v2.kp.public_key}" };
    });
    expect(out).toEqual([
      "cdk.tf.json: good output.private_key: sensitive: the value reads openstack_compute_keypair_v2.kp.private_key, which is sensitive; set sensitive = true on the output (Terraform refuses to plan otherwise)",
      expect.stringContaining("good output.cloud: sensitive: the value reads var.cloud, which is sensitive"),
      expect.stringContaining("good output.whole_keypair: sensitive: the value reads openstack_compute_keypair_v2.kp, which is sensitive"),
    ]);
  });

  it("the provider block is checked against the provider schema", () => {
    const out = broken((s) => {
      s.provider.openstack[0].auth_ur = "https://keystone:5000/v3";
      s.provider.openstack[1].insecure = "maybe";
      s.provider.openstack.push({ cloud: "again" });
    });
    expect(out).toEqual([
      'cdk.tf.json: good provider.openstack: [0].auth_ur: unknown attribute "auth_ur"; did you mean "auth_url"?',
      'cdk.tf.json: good provider.openstack: [1].insecure: expected bool, got the string "maybe"; Terraform accepts only true/false (or "true"/"false")',
      "cdk.tf.json: good provider.openstack: [2]: more than one default configuration (without alias)",
    ]);
  });

  it("required_providers must name terraform-provider-openstack/openstack", () => {
    expect(broken((s) => (s.terraform.required_providers.openstack.source = "hashicorp/openstack"))).toEqual([
      'cdk.tf.json: good terraform: required_providers.openstack.source: source is "hashicorp/openstack"; expected "terraform-provider-openstack/openstack" (without it Terraform looks for hashicorp/openstack, which does not exist)',
    ]);
    expect(broken((s) => delete s.terraform.required_providers.openstack)).toEqual([
      'cdk.tf.json: good terraform: required_providers.openstack: provider "openstack" is used but not declared; expected {"source": "terraform-provider-openstack/openstack", "version": "~> 3.4"}',
    ]);
    const stack = fixtureStack("good");
    stack.terraform.required_providers.openstack.version = "~> 2.0";
    expect(lines(stack)).toEqual([expect.stringContaining('terraform: required_providers.openstack.version: warning: constraint "~> 2.0" excludes 3.4.0')]);
  });

  it("resources of providers without a schema are reported once as unchecked, not as unknown", () => {
    const stack = fixtureStack("good");
    stack.terraform.required_providers.random = { source: "hashicorp/random", version: "~> 3.6" };
    stack.resource.random_password = { a: { length: 20 }, b: { length: 24 } };
    res(stack).openstack_compute_keypair_v2.kp.name = "${random_password.a.result}";
    const findings = checkSynthesizedStack(stack, miniSchema);
    expect(findings).toMatchObject([{ severity: "warning", rule: "unchecked", address: "provider.random" }]);
    expect(findings[0]!.message).toContain("its 2 resource(s)");
  });

  it("an empty or non-object document is an error, not a pass", () => {
    expect(errors({})).toMatchObject([{ rule: "unknown-type", address: "<root>" }]);
    expect(errors([])).toHaveLength(1);
  });
});
