import {
  CimError,
  type AssociatorOptions,
  type CimFilter,
  type CimInstance,
  type CimRef,
  type CimValue,
} from "../../cim";
import { ASSOCIATIONS } from "./associations";
import { classesUnder, classNamed, type RenderContext } from "./classes";
import { sameText } from "../constants";
import { matchesAll } from "./filter";
import type { SimState } from "../store/state";

/**
 * `SELECT * FROM className WHERE a = x AND ...`. An unknown class gives no rows; an unknown property in the filter is
 * an invalid query, as on a real host, so that a misspelt property does not silently match nothing.
 */
export function queryInstances(
  state: SimState,
  ctx: RenderContext,
  className: string,
  filter: CimFilter = {},
): CimInstance[] {
  const defs = classesUnder(className, ctx.namespace);
  for (const name of Object.keys(filter)) {
    if (defs.length > 0 && !defs.some((def) => def.properties.some((p) => sameText(p, name)))) {
      throw new CimError("wbem", `Invalid query: ${className} has no property ${name}`);
    }
  }
  return defs.flatMap((def) => def.instances(state, ctx, filter)).filter((i) => matchesAll(i, filter));
}

/** The instance a REF names. Every key property of the class must be given. */
export function getInstance(state: SimState, ctx: RenderContext, ref: CimRef): CimInstance | undefined {
  const def = classNamed(ref.className, ctx.namespace);
  if (!def) return undefined;
  const keys: Record<string, CimValue> = {};
  for (const key of def.keys) {
    const given = Object.keys(ref.keys).find((k) => sameText(k, key));
    const value = given === undefined ? undefined : ref.keys[given];
    if (value === undefined) return undefined;
    keys[key] = value;
  }
  return def.instances(state, ctx, keys).find((i) => matchesAll(i, keys));
}

/** Instances linked to `ref` through the association(s), optionally only those of `resultClass` (or a subclass). */
export function associatorsOf(
  state: SimState,
  ctx: RenderContext,
  ref: CimRef,
  options: AssociatorOptions,
): CimInstance[] {
  const source = getInstance(state, ctx, ref);
  if (!source) return [];
  const { association, resultClass } = options;
  const related = ASSOCIATIONS.filter(
    (a) => association === undefined || sameText(a.name, association),
  ).flatMap((a) => a.related(state, ctx, source));
  if (resultClass === undefined) return related;
  const allowed = classesUnder(resultClass, ctx.namespace).map((def) => def.name);
  return related.filter((i) => allowed.includes(i.className));
}
