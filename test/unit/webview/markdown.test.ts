import { strict as assert } from 'node:assert';
import { findCitations } from '../../../src/webview/citations';
import { createMarkdown, SANITIZE_OPTIONS } from '../../../src/webview/markdownConfig';

describe('markdown configuration (no DOM needed)', () => {
  const md = createMarkdown();

  it('renders raw HTML from the model as text, not markup', () => {
    const html = md.render('Hi <img src=x onerror="alert(1)"> and <script>alert(2)</script>');
    assert.doesNotMatch(html, /<img|<script/i);
    assert.match(html, /&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;/);
    assert.match(html, /&lt;script&gt;/);
  });

  it('refuses javascript: links', () => {
    const html = md.render('[click](javascript:alert(1)) and <javascript:alert(1)>');
    assert.doesNotMatch(html, /href="javascript:/i);
  });

  it('renders code fences as pre/code', () => {
    assert.match(md.render('```ts\nconst a = 1;\n```'), /<pre><code class="language-ts">const a = 1;\n<\/code><\/pre>/);
  });

  it('the sanitizer allows no script, style, event handler or iframe', () => {
    const tags: readonly string[] = SANITIZE_OPTIONS.ALLOWED_TAGS;
    const attrs: readonly string[] = SANITIZE_OPTIONS.ALLOWED_ATTR;
    for (const t of ['script', 'style', 'iframe', 'object', 'embed', 'svg', 'math', 'form', 'input']) {
      assert.ok(!tags.includes(t), t);
    }
    assert.ok(attrs.every((a) => !a.startsWith('on') && a !== 'style'));
  });
});

describe('citations', () => {
  it('finds path:start-end and path:line', () => {
    const hits = findCitations('See src/foghorn.js:3-9 and `docs/maintenance.md:2`, not 10:30 or v1.2:3.');
    assert.deepEqual(
      hits.map((h) => h.source),
      [
        { path: 'src/foghorn.js', startLine: 3, endLine: 9 },
        { path: 'docs/maintenance.md', startLine: 2, endLine: 2 },
      ],
    );
  });

  it('ignores reversed ranges and line 0', () => {
    assert.deepEqual(findCitations('a.ts:9-3 b.ts:0'), []);
  });

  it('reports exact positions', () => {
    const text = 'x README.md:1-4 y';
    const [hit] = findCitations(text);
    assert.equal(text.slice(hit.index, hit.index + hit.length), 'README.md:1-4');
  });
});
