/**
 * What other areas of minima (sde) may use of optim's private machinery: the stepping core
 * that owns θ and an optimizer's state through a loop, and the optimizer check every such loop
 * starts with.
 *
 * @module
 */
export { checkOptimizer, OptimizerStepper, stateTensors } from "./_stepping.ts";
