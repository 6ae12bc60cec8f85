import type { Endpoint } from "./endpoint";
import { HostConnection, type ConnectionOptions } from "./connection";
import { SshError } from "./errors";

/**
 * One reused connection per host. `get` opens on first use and again after the previous one
 * died (keepalive timeout, host crash); callers never hold a dead connection for long.
 */
export class SshPool {
  private readonly live = new Map<string, Promise<HostConnection>>();

  constructor(
    private readonly endpoints: ReadonlyMap<string, Endpoint>,
    private readonly options: ConnectionOptions,
  ) {}

  /** Time allowed for each connection's TCP connect, handshake and login. */
  get connectTimeoutMs(): number {
    return this.options.readyTimeoutMs ?? 10_000;
  }

  endpoint(host: string): Endpoint {
    const ep = this.endpoints.get(host);
    if (!ep) throw new Error(`no SSH endpoint for host ${host}`);
    return ep;
  }

  async get(host: string): Promise<HostConnection> {
    const existing = this.live.get(host);
    if (existing) {
      const conn = await existing.catch(() => undefined);
      if (conn?.alive) return conn;
      this.live.delete(host);
    }
    const opening = HostConnection.open(this.endpoint(host), this.options);
    this.live.set(host, opening);
    opening.catch(() => this.live.delete(host));
    return opening;
  }

  /**
   * Connects to every host at once; resolves with each host's connection or error, so a
   * caller can report every unreachable host together.
   */
  async connectAll(
    hosts: readonly string[],
    onSettled?: (host: string, result: HostConnection | SshError) => void,
  ): Promise<Map<string, HostConnection | SshError>> {
    const results = await Promise.all(
      hosts.map(async (h): Promise<[string, HostConnection | SshError]> => {
        let result: HostConnection | SshError;
        try {
          result = await this.get(h);
        } catch (err) {
          if (!(err instanceof SshError)) throw err;
          result = err;
        }
        onSettled?.(h, result);
        return [h, result];
      }),
    );
    return new Map(results);
  }

  /** Drops a host's connection (after a failure) so the next `get` reconnects. */
  forget(host: string): void {
    const existing = this.live.get(host);
    this.live.delete(host);
    existing?.then((c) => c.close(), () => undefined);
  }

  closeAll(): void {
    for (const host of [...this.live.keys()]) this.forget(host);
  }
}
