// A throwaway PostgreSQL server for the state-backend tests: Debian's binaries, a data directory
// in a temp dir, listening on 127.0.0.1 only, stopped (by its own pg_ctl) after the tests.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

const PG_BIN = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"];

export interface Postgres {
  /** libpq URL with the password: goes only into PG_CONN_STR. */
  readonly connStr: string;
  readonly port: number;
  /** Runs SQL as the superuser through psql; returns its unaligned output. */
  sql(query: string): string;
  stop(): void;
}

function pgBinDir(): string | undefined {
  return PG_BIN.find((dir) => fs.existsSync(path.join(dir, "initdb")) && fs.existsSync(path.join(dir, "pg_ctl")));
}

/** Why PostgreSQL cannot be started here, or undefined when it can. */
export function postgresUnavailable(): string | undefined {
  if (!pgBinDir()) return `no PostgreSQL server binaries in ${PG_BIN.join(", ")} (Debian: apt-get install postgresql)`;
  if (process.getuid?.() === 0 && spawnSync("id", ["postgres"]).status !== 0) return "running as root and there is no postgres user to run the server as";
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<Postgres> {
  const bin = pgBinDir();
  if (!bin) throw new Error(postgresUnavailable());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-pg-"));
  const data = path.join(dir, "data");
  const socketDir = path.join(dir, "socket");
  fs.mkdirSync(socketDir);
  // The server refuses to run as root: as root, run it as the Debian `postgres` user.
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    asRoot ? execFileSync("runuser", ["-u", "postgres", "--", cmd, ...args], { stdio: "pipe" }) : execFileSync(cmd, args, { stdio: "pipe" });
  if (asRoot) {
    fs.chmodSync(dir, 0o755);
    execFileSync("chown", ["-R", "postgres:postgres", dir]);
  }
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const pwfile = path.join(dir, "pwfile");
  fs.writeFileSync(pwfile, password, { mode: 0o600 });
  if (asRoot) execFileSync("chown", ["postgres:postgres", pwfile]);
  run(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${pwfile}`, "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  run(path.join(bin, "pg_ctl"), [
    "-D", data, "-w", "-t", "60", "-l", path.join(dir, "server.log"),
    "-o", `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${socketDir} -c fsync=off`,
    "start",
  ]);
  const connStr = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres?sslmode=disable`;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run(path.join(bin, "pg_ctl"), ["-D", data, "-w", "-m", "fast", "stop"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  process.once("exit", stop);
  return {
    connStr,
    port,
    sql: (query) =>
      execFileSync(path.join(bin, "psql"), ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", query, connStr], { encoding: "utf8" }).trim(),
    stop,
  };
}
