// Every docs/examples request provisioned on the real Durable extension, as on the local host.
import { examplesSuite } from "./examplesSuite.js";

examplesSuite("extension");
