/**
 * Checks of the point every measurement starts from. Private to landscape/; other areas use them through `_internal.ts`.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";
import type { Objective, ObjectivePoint, Params } from "../nn/mod.ts";

/** Checks the model, loss and data fit together (shapes), naming the failing part. */
export function checkObjective(objective: Objective, what: string): void {
  if (objective === null || typeof objective !== "object") {
    throw new TypeError(
      `Cannot ${what}: the first argument must be an object { model, loss, data${
        what.includes("train") ? "" : ", params"
      } }, current value is ${objective}`,
    );
  }
  const { model, loss, data } = objective;
  if (!model || typeof model.apply !== "function" || !Array.isArray(model.paramSpecs)) {
    throw new TypeError(`Cannot ${what}: model must be a Model (e.g. mlp([784, 64, 10]))`);
  }
  if (!loss || typeof loss.perSample !== "function") {
    throw new TypeError(`Cannot ${what}: loss must be a Loss (e.g. mse or crossEntropy)`);
  }
  if (!data || !data.x || typeof data.n !== "number") {
    throw new TypeError(`Cannot ${what}: data must be a Dataset (e.g. from fashionMnist())`);
  }
  checkLiveData(data, what);
  if (Array.isArray(loss.targets) && !loss.targets.includes(data.targets)) {
    throw new TypeError(
      `Cannot ${what}: the ${loss.name} loss needs targets encoded as ${
        loss.targets.map((t) => `"${t}"`).join(", ")
      }, the data's targets are "${data.targets}"${
        data.targets === "real"
          ? ' (real values: regression); give class labels (e.g. createDataset(x, labels, { targets: "integer" })) or use mse'
          : ""
      }`,
    );
  }
  if (data.inputDim !== model.inputDim) {
    throw new TypeError(
      `Cannot ${what}: the data has ${data.inputDim} features but the model takes ${model.inputDim}; build the model with input width ${data.inputDim}`,
    );
  }
  const dataShape = data.inputShape ?? [data.inputDim];
  const modelShape = model.inputShape ?? [model.inputDim];
  if (dataShape.length !== modelShape.length || dataShape.some((s, i) => s !== modelShape[i])) {
    throw new TypeError(
      `Cannot ${what}: the data's samples have shape [${dataShape}] but the model takes [${modelShape}]; build the model with inputShape [${dataShape}] or load the data in the model's layout`,
    );
  }
  if (data.outputDim !== model.outputDim) {
    throw new TypeError(
      `Cannot ${what}: the data's targets need ${data.outputDim} outputs but the model has ${model.outputDim}; build the model with output width ${data.outputDim}`,
    );
  }
}

/**
 * Checks that a dataset's tensors are alive and that it holds samples: a disposed dataset used to
 * fail inside tfjs ("Cannot read properties of undefined (reading 'backend')"), and an empty one
 * gave a sharpness and a trace of 0, reported converged.
 */
export function checkLiveData(
  data: { x: tf.Tensor; y: tf.Tensor; n: number },
  what: string,
  name = "data",
): void {
  if (data.x.isDisposed || data.y?.isDisposed) {
    throw new TypeError(
      `Cannot ${what}: ${name} is disposed (its dispose() was called, which frees its tensors); load or create the dataset again, or dispose it only after its last use`,
    );
  }
  if (!(data.n >= 1) || data.x.shape[0] === 0) {
    throw new RangeError(
      `Cannot ${what}: ${name} must hold at least one sample, current count is ${data.n}`,
    );
  }
}

/** Checks params against the model's specs. */
export function checkParams(objective: Objective, params: Params, what: string, name = "params") {
  const specs = objective.model.paramSpecs;
  if (!Array.isArray(params) || params.length !== specs.length) {
    throw new TypeError(
      `Cannot ${what}: ${name} must hold ${specs.length} tensors (the model's paramSpecs), current length is ${
        Array.isArray(params) ? params.length : "none"
      }`,
    );
  }
  params.forEach((p, j) => {
    const want = specs[j].shape;
    const tensor = p instanceof tf.Tensor;
    if (
      !tensor || p.isDisposed || p.shape.length !== want.length ||
      p.shape.some((s, k) => s !== want[k])
    ) {
      throw new TypeError(
        `Cannot ${what}: ${name}[${j}] (${
          specs[j].name
        }) must be a live tensor of shape [${want}], current ${
          !tensor
            ? `value is ${p ?? "missing"}`
            : p.isDisposed
            ? "tensor is disposed"
            : `shape is [${p.shape}]`
        }`,
      );
    }
  });
}

/** Checks a whole point. */
export function checkPoint(point: ObjectivePoint, what: string): void {
  checkObjective(point, what);
  checkParams(point, point.params, what);
}
