/**
 * `npm run build`'s last step: builds the Durable extension host where `dotnet` is installed (restoring from NuGet the
 * first time), so neither `npm start` nor parallel tests build it; says so and does nothing elsewhere.
 */
import { buildHost, dotnetAvailable, hostBuilt } from "./dotnetHost.js";

if (!dotnetAvailable()) {
  console.log("dotnet not found: the Durable extension host is not built (npm start runs the local engine)");
} else if (!hostBuilt()) {
  const began = Date.now();
  await buildHost((line) => console.log(line));
  console.log(`Durable extension host built in ${((Date.now() - began) / 1000).toFixed(1)} s`);
}
