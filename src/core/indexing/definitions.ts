/**
 * Definitions in source code (classes, functions, methods, types) with their qualified names
 * (`Printer._print_Mul`, `Server.handle`, `http.Client.Do`), found without a parser: one set of
 * line patterns per language and the indentation for nesting, the same proxy for structure that
 * the code chunker uses. A parser per language (tree-sitter grammars) would be exact, but costs
 * megabytes per language in the extension; the patterns cover the common definition forms of
 * every language the indexer reads, and the benchmark (bench:swebench) measures the result.
 */
import { languageOf } from './language';

export type DefinitionKind = 'class' | 'function' | 'type' | 'module';

export interface Definition {
  /** The name as written (`_print_Mul`). */
  readonly name: string;
  /** Enclosing definitions and the name, joined by dots (`LatexPrinter._print_Mul`). */
  readonly qualified: string;
  readonly kind: DefinitionKind;
  /** 1-based line of the definition's first line (after decorators). */
  readonly line: number;
  /** 1-based last line of its body (by indentation). */
  readonly endLine: number;
}

interface Rule {
  readonly re: RegExp;
  readonly kind: DefinitionKind;
  /** The capture group holding the name; `owner` (optional) holds a receiver or owner type. */
  readonly name: number;
  readonly owner?: number;
}

const MODS = String.raw`(?:(?:export|default|public|private|protected|internal|static|final|abstract|async|override|virtual|sealed|open|inline|extern|unsafe|const|pub(?:\([^)]*\))?|partial|readonly|synchronized|native|suspend|data|case|implicit|lazy|fileprivate|mutating|operator|infix|tailrec|external|declare|\[[^\]]*\]|@\w+(?:\([^)]*\))?)\s+)*`;

const JS: Rule[] = [
  { re: new RegExp(String.raw`^${MODS}function\*?\s+([\w$]+)`), kind: 'function', name: 1 },
  { re: new RegExp(String.raw`^${MODS}class\s+([\w$]+)`), kind: 'class', name: 1 },
  { re: new RegExp(String.raw`^${MODS}(?:interface|enum|namespace|module)\s+([\w$]+)`), kind: 'type', name: 1 },
  { re: new RegExp(String.raw`^${MODS}type\s+([\w$]+)\s*(?:<[^>]*>)?\s*=`), kind: 'type', name: 1 },
  { re: new RegExp(String.raw`^${MODS}(?:const|let|var)\s+([\w$]+)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]+)?=>|[\w$]+\s*=>)`), kind: 'function', name: 1 },
  { re: new RegExp(String.raw`^${MODS}(?:get\s+|set\s+|\*\s*)?(#?[\w$]+)\s*(?:<[^>]*>)?\s*\([^;]*\)\s*(?::[^;{]+)?\{?\s*$`), kind: 'function', name: 1 },
];
const PY: Rule[] = [
  { re: /^(?:async\s+)?def\s+([A-Za-z_]\w*)/, kind: 'function', name: 1 },
  { re: /^class\s+([A-Za-z_]\w*)/, kind: 'class', name: 1 },
];
const RUBY: Rule[] = [
  { re: /^def\s+(?:self\.)?([\w?!=]+)/, kind: 'function', name: 1 },
  { re: /^(?:class|module)\s+([A-Z][\w:]*)/, kind: 'class', name: 1 },
  { re: /^defmodule\s+([\w.]+)/, kind: 'module', name: 1 },
  { re: /^defp?\s+([\w?!]+)/, kind: 'function', name: 1 },
  { re: /^(?:local\s+)?function\s+([\w.:]+)/, kind: 'function', name: 1 },
];
const GO: Rule[] = [
  { re: /^func\s+\(\s*\w*\s*\*?\s*([\w]+)(?:\[[^\]]*\])?\s*\)\s*([\w]+)/, kind: 'function', owner: 1, name: 2 },
  { re: /^func\s+([\w]+)/, kind: 'function', name: 1 },
  { re: /^type\s+([\w]+)/, kind: 'type', name: 1 },
];
const RUST: Rule[] = [
  { re: new RegExp(String.raw`^${MODS}fn\s+([\w]+)`), kind: 'function', name: 1 },
  { re: new RegExp(String.raw`^${MODS}(?:struct|enum|trait|union|type)\s+([\w]+)`), kind: 'type', name: 1 },
  { re: new RegExp(String.raw`^${MODS}mod\s+([\w]+)`), kind: 'module', name: 1 },
  { re: /^impl(?:<[^>]*>)?\s+(?:[\w:]+(?:<[^>]*>)?\s+for\s+)?([\w]+)/, kind: 'class', name: 1 },
];
/** Java, Kotlin, C#, Scala, Swift, Dart, PHP, Groovy. */
const JVM: Rule[] = [
  { re: new RegExp(String.raw`^${MODS}(?:class|interface|enum|struct|record|object|trait|protocol|extension|actor)\s+([\w]+)`), kind: 'class', name: 1 },
  { re: new RegExp(String.raw`^${MODS}namespace\s+([\w.]+)`), kind: 'module', name: 1 },
  { re: new RegExp(String.raw`^${MODS}(?:fun|func|def|function)\s+(?:<[^>]*>\s*)?(?:[\w.]+\.)?([\w]+)`), kind: 'function', name: 1 },
  { re: new RegExp(String.raw`^${MODS}(?:<[^>]*>\s*)?[\w.<>\[\],?]+\s+([\w]+)\s*\([^;]*$`), kind: 'function', name: 1 },
];
const C: Rule[] = [
  { re: new RegExp(String.raw`^${MODS}(?:class|struct|union|namespace)\s+([\w]+)\s*(?:final\s*)?(?:[:{]|$)`), kind: 'class', name: 1 },
  { re: /^(?:template\s*<[^>]*>\s*)?[\w:<>,*&\s~]*?\b(?:([\w]+)::)?(~?[\w]+)\s*\([^;]*$/, kind: 'function', owner: 1, name: 2 },
];

const BY_LANGUAGE: Readonly<Record<string, readonly Rule[]>> = {
  python: PY,
  javascript: JS, javascriptreact: JS, typescript: JS, typescriptreact: JS, vue: JS, svelte: JS,
  go: GO,
  rust: RUST,
  java: JVM, kotlin: JVM, csharp: JVM, scala: JVM, swift: JVM, dart: JVM, php: JVM, groovy: JVM,
  c: C, cpp: C, 'objective-c': C, 'objective-cpp': C,
  ruby: RUBY, elixir: RUBY, lua: RUBY, julia: RUBY,
};

/** Words a method pattern can match that are statements, not names. */
const NOT_NAMES = new Set([
  'if', 'for', 'while', 'switch', 'catch', 'return', 'function', 'else', 'do', 'try', 'new', 'throw', 'with', 'await', 'yield',
  'typeof', 'sizeof', 'case', 'super', 'this', 'import', 'require', 'constructor_', 'foreach', 'using', 'lock', 'synchronized', 'elif', 'until', 'unless', 'defined',
]);

const COMMENT = /^(?:\/\/|\/\*|\*|#(?!\[)|--|;|<!--)/;

export function hasDefinitionRules(relPath: string): boolean {
  return BY_LANGUAGE[languageOf(relPath)] !== undefined;
}

interface Open {
  readonly def: Definition & { endLine: number };
  readonly indent: number;
}

/** The definitions of a source file, in order of their first line (empty for languages without rules). */
export function findDefinitions(content: string, relPath: string): Definition[] {
  const rules = BY_LANGUAGE[languageOf(relPath)];
  if (!rules) {
    return [];
  }
  const out: Array<Definition & { endLine: number }> = [];
  const stack: Open[] = [];
  const lines = content.split('\n');
  let lastCode = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const text = raw.trim();
    if (text === '' || COMMENT.test(text)) {
      continue;
    }
    const indent = indentOf(raw);
    while (stack.length > 0 && stack[stack.length - 1].indent >= indent) {
      const closed = stack.pop();
      if (closed) {
        // A closing brace at the definition's own indentation is part of its body.
        closed.def.endLine = /^[}\])]/.test(text) && closed.indent === indent ? i + 1 : Math.max(closed.def.line, lastCode);
      }
    }
    lastCode = i + 1;
    const def = match(rules, text, stack, i + 1);
    if (def) {
      out.push(def);
      stack.push({ def, indent });
    }
  }
  for (const open of stack) {
    open.def.endLine = Math.max(open.def.line, lastCode);
  }
  return out;
}

function match(rules: readonly Rule[], text: string, stack: readonly Open[], line: number): (Definition & { endLine: number }) | undefined {
  for (const rule of rules) {
    const m = rule.re.exec(text);
    const name = m?.[rule.name];
    if (!m || !name || NOT_NAMES.has(name)) {
      continue;
    }
    const owner = rule.owner !== undefined ? m[rule.owner] : undefined;
    const outer = stack.length > 0 ? stack[stack.length - 1].def.qualified : '';
    const prefix = owner ? (outer ? `${outer}.${owner}` : owner) : outer;
    const clean = name.replace(/^#/, '').replace(/::/g, '.');
    return { name: clean, qualified: prefix ? `${prefix}.${clean}` : clean, kind: rule.kind, line, endLine: line };
  }
  return undefined;
}

function indentOf(line: string): number {
  let n = 0;
  for (const ch of line) {
    if (ch === ' ') {
      n++;
    } else if (ch === '\t') {
      n += 4;
    } else {
      break;
    }
  }
  return n;
}

/** Longest section text kept for one chunk (the store's column holds 2,048 bytes). */
const MAX_SECTION = 1000;

/**
 * What a code chunk is known by besides its text: the qualified names of the definitions that
 * start in it, or, for a chunk inside a long definition, that definition in parentheses
 * (`(in Printer._print_Mul)`). Empty when the chunk is at top level and defines nothing.
 */
export function codeSection(defs: readonly Definition[], startLine: number, endLine: number): string {
  const inside = defs.filter((d) => d.line >= startLine && d.line <= endLine).map((d) => d.qualified);
  if (inside.length > 0) {
    return clip(inside);
  }
  let enclosing: Definition | undefined;
  for (const d of defs) {
    if (d.line < startLine && d.endLine >= startLine && (!enclosing || d.line > enclosing.line)) {
      enclosing = d;
    }
  }
  return enclosing ? `(in ${enclosing.qualified})` : '';
}

function clip(names: readonly string[]): string {
  let out = '';
  for (const [i, n] of names.entries()) {
    const next = out ? `${out} ${n}` : n;
    if (next.length > MAX_SECTION) {
      return `${out} (+${names.length - i} more)`;
    }
    out = next;
  }
  return out;
}
