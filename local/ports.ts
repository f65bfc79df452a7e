/**
 * A free loopback port for a server that cannot listen on port 0 itself (Azurite) or whose port a test must know.
 *
 * Chosen below the kernel's ephemeral range when it can be: a port picked from that range (what listening on port 0
 * gives) can be taken, before its server binds it, as the source port of any outgoing connection on the machine, and
 * a busy test run makes thousands of those.
 */
import { readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";

function ephemeralRangeStart(): number | null {
  try {
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    return low !== undefined && Number.isInteger(low) ? low : null;
  } catch {
    return null;
  }
}

function listenOnce(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(null));
    server.listen(port, "127.0.0.1", () => {
      const { port: bound } = server.address() as AddressInfo;
      server.close(() => resolve(bound));
    });
  });
}

export async function freePort(): Promise<number> {
  const low = ephemeralRangeStart();
  // 10,000 ports under the ephemeral range (and above the well-known ones), tried at random.
  if (low !== null && low > 11_024) {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const candidate = low - 10_000 + Math.floor(Math.random() * 10_000);
      const port = await listenOnce(candidate);
      if (port !== null) return port;
    }
  }
  const port = await listenOnce(0);
  if (port === null) throw new Error("no free loopback port");
  return port;
}
