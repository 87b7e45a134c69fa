// Tables of Doornik's 128-layer ziggurat for the standard normal (ZIGNOR, 2005).
// R is the right edge of the base layer and V the common area of every layer.

/** The start of the tail. */
export const ZIGGURAT_R = 3.442619855899;
const V = 9.91256303526217e-3;

/** Layer edges x[0..128], x[0] the base layer's virtual width V/f(R), x[128] = 0. */
export const zigguratX: Float64Array = new Float64Array(129);
/** x[i+1]/x[i]: a draw |u| below it is inside layer i without evaluating the density. */
export const zigguratRatio: Float64Array = new Float64Array(128);

{
  let f = Math.exp(-0.5 * ZIGGURAT_R * ZIGGURAT_R);
  zigguratX[0] = V / f;
  zigguratX[1] = ZIGGURAT_R;
  zigguratX[128] = 0;
  for (let i = 2; i < 128; i++) {
    zigguratX[i] = Math.sqrt(-2 * Math.log(V / zigguratX[i - 1] + f));
    f = Math.exp(-0.5 * zigguratX[i] * zigguratX[i]);
  }
  for (let i = 0; i < 128; i++) zigguratRatio[i] = zigguratX[i + 1] / zigguratX[i];
}
