import { strict as assert } from 'node:assert';
import { chunkDocument } from '../../../src/core/indexing/chunker';
import { codeSection, findDefinitions } from '../../../src/core/indexing/definitions';

const names = (content: string, file: string): string[] => findDefinitions(content, file).map((d) => d.qualified);

describe('definitions (qualified names without a parser)', () => {
  it('Python: classes, methods, nested functions, decorators and async', () => {
    const src = [
      'import os',
      '',
      'class Printer(Base):',
      '    """Doc."""',
      '    @property',
      '    def width(self):',
      '        return 1',
      '',
      '    async def _print_Mul(self, expr):',
      '        def inner(x):',
      '            return x',
      '        return inner(expr)',
      '',
      'def latex(expr, **settings):',
      '    return Printer(settings).doprint(expr)',
    ].join('\n');
    assert.deepEqual(names(src, 'pkg/printing/latex.py'), ['Printer', 'Printer.width', 'Printer._print_Mul', 'Printer._print_Mul.inner', 'latex']);
    const printer = findDefinitions(src, 'a.py')[0];
    assert.deepEqual([printer.line, printer.endLine], [3, 12]);
  });

  it('TypeScript: classes with methods, exported functions, arrow constants, interfaces and types', () => {
    const src = [
      'export interface Options {',
      '  limit: number;',
      '}',
      'export type Mode = "a" | "b";',
      'export class MilvusStore implements Store {',
      '  private readonly x = 1;',
      '  async search(name: string, query: string): Promise<Hit[]> {',
      '    if (x) {',
      '      return [];',
      '    }',
      '  }',
      '  get size(): number {',
      '    return 1;',
      '  }',
      '}',
      'export const normalize = (raw: number): number => raw;',
      'export async function openStore(config: Config) {',
      '  return 1;',
      '}',
    ].join('\n');
    assert.deepEqual(names(src, 'src/store.ts'), ['Options', 'Mode', 'MilvusStore', 'MilvusStore.search', 'MilvusStore.size', 'normalize', 'openStore']);
  });

  it('Go receivers, Rust impl blocks, Java methods, C++ owners and Ruby modules qualify their members', () => {
    const go = ['package http', '', 'type Client struct {', '\tTimeout int', '}', '', 'func (c *Client) Do(req *Request) (*Response, error) {', '\treturn nil, nil', '}', '', 'func NewClient() *Client {', '\treturn &Client{}', '}'].join('\n');
    assert.deepEqual(names(go, 'net/http/client.go'), ['Client', 'Client.Do', 'NewClient']);
    const rust = ['pub struct Parser {', '    pos: usize,', '}', '', 'impl Iterator for Parser {', '    fn next(&mut self) -> Option<u8> {', '        None', '    }', '}', '', 'pub(crate) fn parse(s: &str) -> Parser {', '    todo!()', '}'].join('\n');
    assert.deepEqual(names(rust, 'src/parser.rs'), ['Parser', 'Parser', 'Parser.next', 'parse']);
    const java = ['package a;', '', 'public class Cache<K, V> {', '    private final Map<K, V> map;', '', '    public V get(K key) {', '        if (key == null) {', '            return null;', '        }', '        return map.get(key);', '    }', '}'].join('\n');
    assert.deepEqual(names(java, 'src/main/java/a/Cache.java'), ['Cache', 'Cache.get']);
    const cpp = ['#include <x>', '', 'int Parser::parse(const char* s) {', '  return 0;', '}'].join('\n');
    assert.deepEqual(names(cpp, 'src/parser.cpp'), ['Parser.parse']);
    const ruby = ['module Rack', '  class Request', '    def params', '      @params', '    end', '  end', 'end'].join('\n');
    assert.deepEqual(names(ruby, 'lib/rack/request.rb'), ['Rack', 'Rack.Request', 'Rack.Request.params']);
  });

  it('statements shaped like calls are not definitions, and unknown languages have none', () => {
    const src = ['function run() {', '  if (ready) {', '    for (const x of xs) {', '      process(x);', '    }', '  }', '}'].join('\n');
    assert.deepEqual(names(src, 'a.js'), ['run']);
    assert.deepEqual(names('key: value\n', 'config.yaml'), []);
    assert.deepEqual(names('# Title\n\ndef not_code():\n', 'README.md'), []);
  });

  it('a chunk is known by the definitions that start in it, or the one it is inside', () => {
    const defs = findDefinitions(['class A:', '    def f(self):', '        x = 1', '        y = 2', '        return x', '    def g(self):', '        pass'].join('\n'), 'a.py');
    assert.equal(codeSection(defs, 1, 2), 'A A.f');
    assert.equal(codeSection(defs, 3, 5), '(in A.f)');
    assert.equal(codeSection(defs, 6, 7), 'A.g');
    assert.equal(codeSection([], 1, 3), '');
  });

  it('code chunks carry their section; definitions can be turned off for benchmarks', () => {
    const body = Array.from({ length: 70 }, (_, i) => `    x${i} = ${i}`).join('\n');
    const src = `def first():\n${body}\n    return 0\n\n\ndef second():\n    return 1\n`;
    const chunks = chunkDocument(src, 'mod.py');
    assert.ok(chunks.length >= 2);
    assert.equal(chunks[0].section, 'first');
    assert.ok(chunks.some((c) => c.section === '(in first)'));
    assert.ok(chunks[chunks.length - 1].section.includes('second'));
    assert.ok(chunkDocument(src, 'mod.py', { definitions: false }).every((c) => c.section === ''));
  });
});
