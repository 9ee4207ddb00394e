import { cimContract } from "./contract";

cimContract("the simulator, directly", async (sim) => sim.session());
