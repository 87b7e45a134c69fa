/**
 * What other areas of minima may use from backend/ beyond its public API.
 *
 * @module
 */
export { checkAllocation, formatBytes } from "./memory_limit.ts";
