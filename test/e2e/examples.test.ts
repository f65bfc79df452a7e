import { examplesSuite } from "./examplesSuite.js";

examplesSuite("local");
