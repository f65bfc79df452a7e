/** The fleet and ratio numbers in a process of their own: the Functions library binds to one local host per process. */
import { benchColdStart } from "./coldStart.js";
import { benchFleet } from "./fleet.js";

// BENCH_SCALE (a fraction, default 1/30) measures the fleet alone at that time scale; without it, (a), (b), (c) and (e).
const scale = process.env.BENCH_SCALE === undefined ? undefined : Number(process.env.BENCH_SCALE);
await benchFleet(Number(process.env.BENCH_FLEET ?? "100"), { scale: scale ?? 1 / 30, perMode: scale === undefined });
if (scale === undefined) benchColdStart();
