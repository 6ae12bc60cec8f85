// Release data for the simulated Packstack, derived from data/packstack (the project's record of
// real Packstack) into one read-only directory per lab that every host mounts.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const PACKSTACK_DATA = join(__dirname, "..", "..", "data", "packstack");

/** Where hosts see the shared directory. */
export const HOST_PACKSTACK_SHARE = "usr/local/share/fake-packstack";

interface CatalogParam {
  name: string;
  default: string | null;
  default_kind: string;
  default_template?: string | null;
  raw_default?: string | null;
  processors: string[];
}

interface Catalog {
  release: string;
  pins: Record<string, string>;
  params: CatalogParam[];
  sequences_for_reference_answers: { sequence: string; steps: { title: string }[] }[];
}

/** Writes packstack-<release>.json and answers-<release>.txt for every release into `dir`. */
export function writePackstackShare(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const releases: string[] = [];
  for (const file of readdirSync(PACKSTACK_DATA)) {
    const match = /^catalog-(.+)\.json$/.exec(file);
    if (!match) continue;
    const release = match[1]!;
    const catalog = JSON.parse(readFileSync(join(PACKSTACK_DATA, file), "utf8")) as Catalog;
    const trimmed = {
      release,
      pins: catalog.pins,
      params: catalog.params.map((p) => ({
        name: p.name,
        kind: p.default_kind,
        template: p.default_template ?? null,
        default: p.default,
        rawDefault: p.raw_default ?? p.default,
        processors: p.processors,
      })),
      sequences: catalog.sequences_for_reference_answers.map((s) => ({
        sequence: s.sequence,
        steps: s.steps.map((step) => step.title),
      })),
    };
    writeFileSync(join(dir, `packstack-${release}.json`), JSON.stringify(trimmed));
    copyFileSync(join(PACKSTACK_DATA, `answers-${release}.txt`), join(dir, `answers-${release}.txt`));
    releases.push(release);
  }
  if (releases.length === 0) throw new Error(`no Packstack catalogs in ${PACKSTACK_DATA}`);
  return releases;
}
