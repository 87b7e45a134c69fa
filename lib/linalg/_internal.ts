/**
 * What other areas of minima may use from linalg's private files: the float64 Jacobi
 * eigensolver that reference spectra (landscape's cross-check cases) are computed with.
 *
 * @module
 */
export { jacobiEigen } from "./_test_matrices.ts";
