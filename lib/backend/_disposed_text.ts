/**
 * A disposed tensor reads as text ("a disposed tensor of shape [1,2]") instead of throwing.
 * tfjs's `Tensor.toString` reads the data, so a disposed tensor threw "Tensor is disposed." from
 * wherever it was turned into text or compared as a number (`lr > 0` calls `toString`): minima's
 * checks of an option that was given a disposed tensor failed with that line instead of their own
 * message naming the option. Live tensors print as tfjs prints them.
 *
 * @module
 */
import { tf } from "./_tfjs.ts";

{
  const proto = tf.Tensor.prototype as unknown as {
    toString(this: tf.Tensor, verbose?: boolean): string;
  };
  const toString = proto.toString;
  proto.toString = function (this: tf.Tensor, verbose?: boolean): string {
    if (this.isDisposed) return `a disposed tensor of shape [${this.shape}]`;
    return toString.call(this, verbose);
  };
}
