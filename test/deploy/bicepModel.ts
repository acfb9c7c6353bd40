import { readFileSync } from 'node:fs';
import { Language, Parser, type Node } from 'web-tree-sitter';

/**
 * A Bicep file as the tests see it, read with the tree-sitter Bicep grammar (WASM). No Bicep
 * compiler can be installed on the machines this project is built on, so this is a syntax parse
 * plus the few semantic checks the tests make themselves: it cannot see type errors, unknown
 * resource properties or API versions the resource provider does not serve.
 */
export interface BicepFile {
  readonly path: string;
  /** Syntax errors and missing tokens, as "line:column text". */
  readonly syntaxErrors: string[];
  readonly declarations: BicepDeclaration[];
  /** Identifiers used as values that no declaration, loop variable or known namespace names. */
  readonly unresolvedIdentifiers: string[];
}

export type BicepKind = 'param' | 'var' | 'resource' | 'module' | 'output';

export interface BicepDeclaration {
  readonly kind: BicepKind;
  readonly name: string;
  /** Decorator name → its arguments, e.g. description → ['text']. */
  readonly decorators: ReadonlyMap<string, BicepValue[]>;
  /** param/output: the declared type. */
  readonly type?: string;
  /** param: the default; var/output: the value; resource/module: the body. */
  readonly value?: BicepValue;
  /** resource: 'Microsoft.Storage/storageAccounts@2023-05-01'; module: the file path. */
  readonly target?: string;
  /** resource/module: the source text of an `if (...)` condition. */
  readonly condition?: string;
  readonly existing: boolean;
}

/** An expression the tests do not evaluate: kept as its source text. */
export class BicepExpression {
  constructor(readonly text: string) {}
}

export type BicepValue =
  string | number | boolean | null | BicepExpression | BicepValue[] | { [key: string]: BicepValue };

/** Names that are used as values without a declaration: namespaces of built-in functions. */
const builtInNamespaces = new Set(['az', 'sys']);

let parserReady: Promise<Parser> | undefined;

function parser(): Promise<Parser> {
  parserReady ??= (async () => {
    await Parser.init();
    // Loaded from bytes: given a path, the library imports `fs` dynamically, which Jest refuses.
    const wasm = readFileSync(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'));
    const instance = new Parser();
    instance.setLanguage(await Language.load(new Uint8Array(wasm)));
    return instance;
  })();
  return parserReady;
}

export async function readBicep(path: string): Promise<BicepFile> {
  return parseBicep(path, readFileSync(path, 'utf8'));
}

export async function parseBicep(path: string, source: string): Promise<BicepFile> {
  const tree = (await parser()).parse(source);
  if (!tree) throw new Error(`The Bicep parser returned nothing for ${path}.`);
  try {
    const root = tree.rootNode;
    return {
      path,
      syntaxErrors: syntaxErrors(root),
      declarations: declarations(root),
      unresolvedIdentifiers: unresolvedIdentifiers(root),
    };
  } finally {
    tree.delete();
  }
}

function syntaxErrors(root: Node): string[] {
  const found: string[] = [];
  const visit = (node: Node) => {
    if (node.isError || node.isMissing) {
      const at = `${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
      found.push(`${at} ${node.isMissing ? `missing ${node.type}` : node.text.slice(0, 60)}`);
    }
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return found;
}

const declarationKinds: Record<string, BicepKind> = {
  parameter_declaration: 'param',
  variable_declaration: 'var',
  resource_declaration: 'resource',
  module_declaration: 'module',
  output_declaration: 'output',
};

function declarations(root: Node): BicepDeclaration[] {
  const found: BicepDeclaration[] = [];
  let pendingDecorators = new Map<string, BicepValue[]>();
  for (const node of root.namedChildren) {
    if (!node) continue;
    if (node.type === 'decorators') {
      pendingDecorators = decoratorsOf(node);
      continue;
    }
    const kind = declarationKinds[node.type];
    if (!kind) continue;
    found.push(declaration(kind, node, pendingDecorators));
    pendingDecorators = new Map();
  }
  return found;
}

function declaration(
  kind: BicepKind,
  node: Node,
  decorators: Map<string, BicepValue[]>,
): BicepDeclaration {
  const parts = node.namedChildren.filter((child): child is Node => child !== null);
  const name = parts[0]?.text ?? '';
  const existing = node.children.some((child) => child?.type === 'existing');
  if (kind === 'param' || kind === 'output') {
    const type = parts.find((child) => child.type === 'type');
    const valueNode = parts.slice(1).find((child) => child !== type);
    return {
      kind,
      name,
      decorators,
      type: type?.text,
      value: valueNode ? valueOf(valueNode) : undefined,
      existing,
    };
  }
  if (kind === 'var') {
    return { kind, name, decorators, value: parts[1] ? valueOf(parts[1]) : undefined, existing };
  }
  const target = parts[1] ? stringValue(parts[1]) : undefined;
  let body = parts[2];
  let condition: string | undefined;
  if (body?.type === 'if_statement') {
    const inner = body.namedChildren.filter((child): child is Node => child !== null);
    condition = inner[0]?.text;
    body = inner[1];
  }
  return {
    kind,
    name,
    decorators,
    target: typeof target === 'string' ? target : undefined,
    value: body ? valueOf(body) : undefined,
    condition,
    existing,
  };
}

function decoratorsOf(node: Node): Map<string, BicepValue[]> {
  const map = new Map<string, BicepValue[]>();
  for (const decorator of node.namedChildren) {
    const call = decorator?.namedChildren[0];
    if (!call || call.type !== 'call_expression') continue;
    const name = call.childForFieldName('function')?.text ?? '';
    const args = call.namedChildren.find((child) => child?.type === 'arguments');
    map.set(
      name,
      (args?.namedChildren ?? []).flatMap((arg) => (arg ? [valueOf(arg)] : [])),
    );
  }
  return map;
}

function valueOf(node: Node): BicepValue {
  switch (node.type) {
    case 'string':
      return stringValue(node);
    case 'number':
      return Number(node.text);
    case 'boolean':
      return node.text === 'true';
    case 'null':
      return null;
    case 'array':
      return node.namedChildren.flatMap((item) =>
        item && item.type !== 'comment' ? [valueOf(item)] : [],
      );
    case 'object': {
      const result: Record<string, BicepValue> = {};
      for (const property of node.namedChildren) {
        if (!property || property.type !== 'object_property') continue;
        const [key, value] = property.namedChildren;
        if (!key || !value) continue;
        const keyValue = key.type === 'string' ? stringValue(key) : key.text;
        result[typeof keyValue === 'string' ? keyValue : key.text] = valueOf(value);
      }
      return result;
    }
    default:
      return new BicepExpression(node.text);
  }
}

/** A string literal's value; an interpolated string stays an expression. */
function stringValue(node: Node): string | BicepExpression {
  if (node.namedChildren.some((child) => child?.type === 'interpolation')) {
    return new BicepExpression(node.text);
  }
  let text = '';
  for (const part of node.namedChildren) {
    if (!part) continue;
    if (part.type === 'escape_sequence') text += unescape(part.text);
    else if (part.type === 'string_content') text += part.text;
  }
  return text;
}

function unescape(sequence: string): string {
  const escapes: Record<string, string> = { "\\'": "'", '\\\\': '\\', '\\n': '\n', '\\t': '\t' };
  return escapes[sequence] ?? sequence.slice(1);
}

/** Parents whose first identifier declares a name (the rest of their identifiers are uses). */
const declaringParents = new Set([
  ...Object.keys(declarationKinds),
  'for_statement',
  'lambda_expression',
]);
/** Parents all of whose identifiers declare loop or lambda variables. */
const loopVariableParents = new Set(['loop_variable', 'loop_enumerator', 'for_loop_parameters']);
/**
 * Nodes that are themselves the name a loop declares: `(item, index)` in `[for (item, index) in
 * ...]`.
 */
const loopNameNodes = new Set(['loop_variable', 'loop_enumerator']);

/**
 * Identifiers in value position (not property keys, function names or declared names) that
 * nothing in the file declares: a typo the Bicep compiler would refuse.
 */
function unresolvedIdentifiers(root: Node): string[] {
  const declared = new Set<string>();
  const used = new Set<string>();
  const visit = (node: Node) => {
    if (loopNameNodes.has(node.type) && node.namedChildCount === 0) declared.add(node.text);
    if (node.type === 'identifier') {
      const role = identifierRole(node);
      if (role === 'declares') declared.add(node.text);
      else if (role === 'uses') used.add(node.text);
    }
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return [...used].filter((name) => !declared.has(name) && !builtInNamespaces.has(name));
}

function identifierRole(node: Node): 'declares' | 'uses' | 'names' {
  const parent = node.parent;
  if (!parent) return 'uses';
  const isFirst = parent.namedChildren[0]?.id === node.id;
  if (loopVariableParents.has(parent.type)) return 'declares';
  // `(a, b) => ...`: the parameters of a lambda with more than one.
  const grandparent = parent.parent;
  if (
    parent.type === 'parenthesized_expression' &&
    grandparent?.type === 'lambda_expression' &&
    grandparent.namedChildren[0]?.id === parent.id
  ) {
    return 'declares';
  }
  if (declaringParents.has(parent.type) && isFirst) return 'declares';
  // A property key or a function name names something; it does not refer to a declaration.
  if (parent.type === 'object_property' && isFirst) return 'names';
  if (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === node.id) {
    return 'names';
  }
  return 'uses';
}

/** Declarations of one kind, by name. */
export function byKind(file: BicepFile, kind: BicepKind): Map<string, BicepDeclaration> {
  return new Map(
    file.declarations
      .filter((d) => d.kind === kind)
      .map((d): [string, BicepDeclaration] => [d.name, d]),
  );
}

/** The object under a path of keys, or undefined when any step is not an object. */
export function at(value: BicepValue | undefined, ...keys: string[]): BicepValue | undefined {
  let current = value;
  for (const key of keys) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function isObject(value: BicepValue | undefined): value is { [key: string]: BicepValue } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof BicepExpression)
  );
}

export function textOf(value: BicepValue | undefined): string {
  if (value instanceof BicepExpression) return value.text;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
