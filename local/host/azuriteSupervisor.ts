/**
 * Azurite under `npm start`, watched: if it exits while the stack runs (killed, crashed), it is started again on the
 * same data folder and ports, so every client's connection string stays right and reads resume instead of hanging.
 * Each exit and restart is reported in one line; an Azurite that keeps dying is left down, and said so.
 */
import { startAzurite, type Azurite, type AzuriteOptions } from "./azurite.js";

/** More exits than this within the window: something is wrong that a restart will not fix. */
const maxRestarts = 3;
const restartWindowMs = 60_000;

export interface SupervisorOptions extends AzuriteOptions {
  /** One line per exit and restart, always shown (not only when verbose). */
  report: (line: string) => void;
}

export async function startSupervisedAzurite(options: SupervisorOptions): Promise<Azurite> {
  let current = await startAzurite(options);
  let stopping = false;
  const exits: number[] = [];

  const restart = async (previous: Azurite, how: string) => {
    const now = Date.now();
    exits.push(now);
    if (exits.filter((at) => now - at < restartWindowMs).length > maxRestarts) {
      options.report(
        `Azurite (pid ${previous.pid ?? "?"}) exited (${how}) ${maxRestarts + 1} times in a minute; not restarting ` +
          "it. Requests answer 503 storage-unavailable: stop npm start and run it again.",
      );
      return;
    }
    const pid = previous.pid ?? "?";
    options.report(`Azurite (pid ${pid}) exited (${how}); restarting it on the same data and ports…`);
    try {
      current = await startAzurite({ ...options, ports: previous.ports });
      if (stopping) {
        await current.close();
        return;
      }
      options.report(
        `Azurite is back (pid ${current.pid ?? "?"}). It saves to disk every 5 s, so writes of its last seconds ` +
          "before the exit may be gone: re-POST a run answered 202 just before it (a re-POST joins, never doubles).",
      );
      watch(current);
    } catch (error) {
      options.report(
        `Azurite could not be restarted (${error instanceof Error ? error.message : String(error)}); requests ` +
          "answer 503 storage-unavailable: stop npm start and run it again.",
      );
    }
  };

  const watch = (azurite: Azurite) => {
    void azurite.exited.then(({ code, signal }) => {
      if (stopping) return;
      return restart(azurite, signal ?? `exit code ${code ?? "?"}`);
    });
  };
  watch(current);

  return {
    get connectionString() {
      return current.connectionString;
    },
    get tableEndpoint() {
      return current.tableEndpoint;
    },
    get pid() {
      return current.pid;
    },
    get ports() {
      return current.ports;
    },
    get exited() {
      return current.exited;
    },
    close: async () => {
      stopping = true;
      await current.close();
    },
  };
}
