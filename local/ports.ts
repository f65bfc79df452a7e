/** A free loopback port for a server that cannot listen on port 0 itself (Azurite) or whose port a test must know. */
import { createServer, type AddressInfo } from "node:net";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
