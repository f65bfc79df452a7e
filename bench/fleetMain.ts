/** The fleet and ratio numbers in a process of their own: the Functions library binds to one local host per process. */
import { benchColdStart } from "./coldStart.js";
import { benchFleet } from "./fleet.js";

await benchFleet(Number(process.env.BENCH_FLEET ?? "100"));
benchColdStart();
