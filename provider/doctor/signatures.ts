/**
 * Holds a host's class definitions (Get-CimClass) against what the provider sends (hyperv/contract.ts): each
 * property it reads, each method it calls, each parameter it passes in or reads out, with its CIM type.
 */
import type { CimClassDefinition, CimParameterDefinition } from "../cim";
import type { ClassNeed, MethodNeed, ParameterNeed } from "../hyperv/contract";

/** WMI names are case-insensitive. */
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function parameterProblem(method: string, need: ParameterNeed, found: CimParameterDefinition | undefined) {
  const where = `${method}(${need.name})`;
  if (found === undefined) return `${where}: the host has no such parameter`;
  if (need.direction === "in" && !found.in) return `${where}: the host does not take it in`;
  if (need.direction === "out" && !found.out) return `${where}: the host does not return it`;
  if (!same(found.type, need.type))
    return `${where}: the host declares ${found.type}, the provider uses ${need.type}`;
  return undefined;
}

function methodProblems(definition: CimClassDefinition, need: MethodNeed): string[] {
  const found = definition.methods.find((m) => same(m.name, need.name));
  if (found === undefined) return [`${need.name}: the host has no such method`];
  return need.parameters.flatMap((p) => {
    const problem = parameterProblem(
      need.name,
      p,
      found.parameters.find((fp) => same(fp.name, p.name)),
    );
    return problem === undefined ? [] : [problem];
  });
}

/** What does not match, one line each; empty when the host's class serves every call the provider makes. */
export function classProblems(need: ClassNeed, definition: CimClassDefinition | undefined): string[] {
  if (definition === undefined) return [`the host has no class ${need.className} in ${need.namespace}`];
  const properties = need.properties
    .filter((name) => !definition.properties.some((p) => same(p.name, name)))
    .map((name) => `property ${name}: the host has no such property`);
  return [...properties, ...need.methods.flatMap((m) => methodProblems(definition, m))];
}
