import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findShipped } from "../shipped-files";
import type { Release, ServiceName } from "./model";

/**
 * Facts about a Packstack release that validation needs, read from the release's catalog
 * (data/packstack/catalog-RELEASE.json) rather than written into code: which parameters exist,
 * their choices, and their deprecated names. Only the fields read here are typed.
 */

interface CatalogParameter {
  readonly name: string;
  readonly option_list: readonly string[];
  readonly deprecates: readonly string[];
}
interface Catalog {
  readonly release: string;
  readonly params: readonly CatalogParameter[];
}

/** The Packstack parameter that switches each service of the model on. */
export const SERVICE_INSTALL_PARAMETERS: Readonly<Record<ServiceName, string>> = {
  nova: "CONFIG_NOVA_INSTALL",
  neutron: "CONFIG_NEUTRON_INSTALL",
  glance: "CONFIG_GLANCE_INSTALL",
  cinder: "CONFIG_CINDER_INSTALL",
  swift: "CONFIG_SWIFT_INSTALL",
  heat: "CONFIG_HEAT_INSTALL",
  horizon: "CONFIG_HORIZON_INSTALL",
  ceilometer: "CONFIG_CEILOMETER_INSTALL",
  aodh: "CONFIG_AODH_INSTALL",
  manila: "CONFIG_MANILA_INSTALL",
  trove: "CONFIG_TROVE_INSTALL",
  sahara: "CONFIG_SAHARA_INSTALL",
  magnum: "CONFIG_MAGNUM_INSTALL",
  ironic: "CONFIG_IRONIC_INSTALL",
  demo: "CONFIG_PROVISION_DEMO",
  tempest: "CONFIG_PROVISION_TEMPEST",
};

export class ReleaseFacts {
  private readonly byName: ReadonlyMap<string, CatalogParameter>;
  private readonly deprecated: ReadonlyMap<string, string>;

  constructor(
    readonly release: Release,
    catalog: Catalog,
  ) {
    this.byName = new Map(catalog.params.map((p) => [p.name, p]));
    this.deprecated = new Map(catalog.params.flatMap((p) => p.deprecates.map((old) => [old, p.name] as const)));
  }

  /** Every parameter name of the release, in catalog order. */
  get parameterNames(): readonly string[] {
    return [...this.byName.keys()];
  }

  hasParameter(name: string): boolean {
    return this.byName.has(name);
  }

  /** The parameter that replaced a deprecated name, if `name` is one. */
  replacementOf(name: string): string | undefined {
    return this.deprecated.get(name);
  }

  /** The values Packstack's `validate_options`/`validate_multi_options` accept; [] when free-form or absent. */
  choices(name: string): readonly string[] {
    return this.byName.get(name)?.option_list ?? [];
  }

  /** Whether the release can install a service at all (its install switch exists). */
  hasService(service: ServiceName): boolean {
    return this.hasParameter(SERVICE_INSTALL_PARAMETERS[service]);
  }
}

let dataDir: string | undefined;

/** data/packstack shipped with rdoctl. */
export function packstackDataDir(): string {
  dataDir ??= findShipped(join("data", "packstack"), __dirname);
  if (!dataDir) throw new Error(`data/packstack not found above ${__dirname}`);
  return dataDir;
}

const cache = new Map<Release, ReleaseFacts>();

export function releaseFacts(release: Release): ReleaseFacts {
  let facts = cache.get(release);
  if (!facts) {
    const catalog = JSON.parse(readFileSync(join(packstackDataDir(), `catalog-${release}.json`), "utf8")) as Catalog;
    facts = new ReleaseFacts(release, catalog);
    cache.set(release, facts);
  }
  return facts;
}
