import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

const root = path.resolve(__dirname, '..', '..');

describe('layering', () => {
  it('src/core never imports vscode', () => {
    const offenders = filesUnder(path.join(root, 'src', 'core'))
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /(from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('src/webview and src/shared import neither vscode nor node built-ins nor core', () => {
    const files = [...filesUnder(path.join(root, 'src', 'webview')), ...filesUnder(path.join(root, 'src', 'shared'))].filter((f) =>
      f.endsWith('.ts'),
    );
    const bad = files.filter((f) => /from\s+['"](vscode|node:[^'"]+|\.\.\/core[^'"]*|\.\.\/extension[^'"]*)['"]/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(bad, []);
  });

  it('src/mcp imports only core, shared, Node and libraries (not vscode, the CLI or the extension)', () => {
    const files = filesUnder(path.join(root, 'src', 'mcp')).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 0);
    const bad = files.filter((f) => /from\s+['"](vscode|\.\.\/(cli|extension|webview)[^'"]*)['"]/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(bad, []);
  });

  it('src/text is pure wording over core types: no vscode, Node built-ins or front end', () => {
    const files = filesUnder(path.join(root, 'src', 'text')).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 0);
    const bad = files.filter((f) => /from\s+['"](vscode|node:[^'"]+|\.\.\/(cli|extension|webview|mcp)[^'"]*)['"]/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(bad, []);
  });
});
