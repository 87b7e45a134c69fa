/**
 * The grid of a domain, shared by domainGrid and gameGrid: private to games, so the names its
 * errors use can differ (gameGrid's game.x and options.pointsX).
 *
 * @module
 */
import type { Domain } from "./domain.ts";
import type { DomainGrid, GridAxis } from "./domain_grid.ts";
import { checkDomain, checkPositiveInteger, show } from "./_checks.ts";
import { domainLabel, potentialAt } from "./_domain_ops.ts";

/**
 * The grid of a domain, with the names its errors use (gameGrid's are game.x and
 * options.pointsX, not domainGrid's domain and options.points).
 *
 * @param domain The domain.
 * @param raw Points per axis: one number, one per axis, or undefined for the defaults.
 * @param names The action and the names of the two arguments, for messages.
 * @returns The grid.
 */
export function gridOf(
  domain: Domain,
  raw: number | readonly number[] | undefined,
  names: { context: string; domain: string; points: string },
): DomainGrid {
  const context = names.context;
  checkDomain(domain, names.domain, context);
  const axesCount = domain.kind === "sphere" ? domain.dim - 1 : domain.dim;
  if (axesCount > 2) {
    throw new RangeError(
      `${context}: grids cover domains of dimension 1 or 2 (torus(1|2), euclidean(1|2), sphere(2|3)), current domain is ${
        domainLabel(domain)
      }; use nikaidoIsodaEstimate for higher dimensions`,
    );
  }
  const defaults = axesCount === 1 ? [256] : domain.kind === "sphere" ? [24, 48] : [48, 48];
  const shape = raw === undefined
    ? defaults
    : typeof raw === "number"
    ? new Array(axesCount).fill(raw)
    : Array.isArray(raw)
    ? [...raw]
    : [NaN];
  if (shape.length !== axesCount) {
    throw new RangeError(
      `${context}: ${names.points} must be one number or ${axesCount} (one per axis), current value is ${
        show(raw)
      }`,
    );
  }
  shape.forEach((g, k) => {
    checkPositiveInteger(g, `${names.points}${typeof raw === "number" ? "" : `[${k}]`}`, context);
    if (g < 3) {
      throw new RangeError(
        `${context}: ${names.points} must be at least 3 per axis, current value is ${show(raw)}`,
      );
    }
  });
  const number = (name: string, k: number) => axesCount === 1 ? name : `${name}${k + 1}`;
  let axes: GridAxis[];
  if (domain.kind === "torus") {
    axes = shape.map((g, k) => periodicAxis(number("angle", k), g));
  } else if (domain.kind === "euclidean") {
    axes = shape.map((g, k) => {
      const h = 2 * domain.extent / g;
      return {
        name: number("coordinate", k),
        values: Float64Array.from({ length: g }, (_, i) => -domain.extent + (i + 0.5) * h),
        spacing: h,
        start: -domain.extent,
        periodic: false,
      };
    });
  } else if (domain.dim === 2) {
    axes = [periodicAxis("angle", shape[0])];
  } else {
    const h = Math.PI / shape[0];
    axes = [
      {
        name: "polar",
        values: Float64Array.from({ length: shape[0] }, (_, i) => (i + 0.5) * h),
        spacing: h,
        start: 0,
        periodic: false,
      },
      periodicAxis("azimuth", shape[1]),
    ];
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const d = domain.dim;
  const points = new Float64Array(size * d);
  const weights = new Float64Array(size);
  for (let g = 0; g < size; g++) {
    const i0 = axesCount === 1 ? g : Math.floor(g / shape[1]);
    const i1 = axesCount === 1 ? 0 : g % shape[1];
    const a = axes[0].values[i0], b = axesCount === 2 ? axes[1].values[i1] : 0;
    if (domain.kind === "sphere" && d === 2) {
      points[2 * g] = Math.cos(a);
      points[2 * g + 1] = Math.sin(a);
      weights[g] = axes[0].spacing;
    } else if (domain.kind === "sphere") {
      points[3 * g] = Math.sin(a) * Math.cos(b);
      points[3 * g + 1] = Math.sin(a) * Math.sin(b);
      points[3 * g + 2] = Math.cos(a);
      weights[g] = Math.sin(a) * axes[0].spacing * axes[1].spacing;
    } else {
      points[g * d] = a;
      if (d === 2) points[g * d + 1] = b;
      weights[g] = axes.reduce((w, ax) => w * ax.spacing, 1);
    }
  }
  return { domain, axes, shape, size, points, weights, potential: potentialAt(domain, points) };
}

function periodicAxis(name: string, g: number): GridAxis {
  const h = 2 * Math.PI / g;
  return {
    name,
    values: Float64Array.from({ length: g }, (_, i) => i * h),
    spacing: h,
    start: -h / 2,
    periodic: true,
  };
}
