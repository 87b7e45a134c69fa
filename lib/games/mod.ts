/**
 * (filled in by its issue)
 *
 * @module
 */
export {};
