import { algorithmsForKeyType, describeKey, fingerprintOf, type PresentedKey } from "./fingerprint";
import { appendKnownHost, entriesFor, knownHostsLine, readKnownHostsFiles } from "./known-hosts";

/** How a host's key is checked. Keys are always checked; there is no "off". */
export interface HostKeyPolicyProps {
  /** known_hosts files read (the user's and the cloud's). Missing files are empty. */
  readonly knownHostsFiles: readonly string[];
  /** Where newly accepted keys are recorded (the cloud's known_hosts). */
  readonly recordFile: string;
  /** Accept and record a key for a host that has none on record. @default false */
  readonly acceptNew?: boolean;
}

export type HostKeyVerdict =
  | { readonly status: "known"; readonly key: PresentedKey; readonly source: string }
  | { readonly status: "accepted-new"; readonly key: PresentedKey; readonly recordedIn: string }
  | { readonly status: "unknown"; readonly key: PresentedKey }
  | {
      readonly status: "changed";
      readonly key: PresentedKey;
      readonly expected: readonly string[];
      readonly source: string;
    }
  | { readonly status: "revoked"; readonly key: PresentedKey; readonly source: string };

/** The names and pins one endpoint's key is checked against. */
export interface HostKeyTarget {
  /** Names as looked up in known_hosts, already in `[host]:port` form off port 22. */
  readonly names: readonly string[];
  /** Fingerprints pinned in the inventory; when set, known_hosts is not consulted. */
  readonly pinned?: readonly string[];
}

/**
 * Decides whether a presented host key is the right one. Pinned fingerprints win over
 * known_hosts; `@revoked` always refuses; an unknown key is recorded only when `acceptNew`.
 */
export class HostKeyPolicy {
  constructor(private readonly props: HostKeyPolicyProps) {}

  /** Key types on record for the target, so the client can ask the server for those first. */
  preferredAlgorithms(target: HostKeyTarget): string[] {
    if (target.pinned?.length) return [];
    const types = new Set<string>();
    for (const e of entriesFor(readKnownHostsFiles(this.props.knownHostsFiles), target.names)) {
      if (!e.marker) types.add(e.keyType);
    }
    return [...types].flatMap(algorithmsForKeyType);
  }

  check(target: HostKeyTarget, blob: Buffer): HostKeyVerdict {
    const key = describeKey(blob);
    if (target.pinned?.length) {
      const pins = target.pinned.map((p) => p.trim());
      if (pins.includes(key.fingerprint)) return { status: "known", key, source: "inventory ssh.hostKeys" };
      return { status: "changed", key, expected: pins, source: "inventory ssh.hostKeys" };
    }
    const entries = entriesFor(readKnownHostsFiles(this.props.knownHostsFiles), target.names);
    const revoked = entries.find((e) => e.marker === "@revoked" && e.keyBlob.equals(blob));
    if (revoked) return { status: "revoked", key, source: revoked.source };
    const plain = entries.filter((e) => !e.marker);
    const match = plain.find((e) => e.keyBlob.equals(blob));
    if (match) return { status: "known", key, source: match.source };
    const sameType = plain.filter((e) => e.keyType === key.type);
    if (sameType.length > 0) {
      return {
        status: "changed",
        key,
        expected: sameType.map((e) => fingerprintOf(e.keyBlob)),
        source: sameType.map((e) => e.source).join(", "),
      };
    }
    if (!this.props.acceptNew) return { status: "unknown", key };
    appendKnownHost(this.props.recordFile, knownHostsLine(target.names, key.type, blob));
    return { status: "accepted-new", key, recordedIn: this.props.recordFile };
  }
}
