import { strict as assert } from 'node:assert';
import { findCitations, parseSourceHref, SOURCE_HREF, type CitationEnv } from '../../../src/webview/citationRule';
import { isHighlighted } from '../../../src/webview/highlight';
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

  it('renders code fences as pre/code, highlighted when the language is registered', () => {
    assert.match(
      md.render('```ts\nconst a = 1;\n```'),
      /<pre><code class="language-ts"><span class="hljs-keyword">const<\/span> a = <span class="hljs-number">1<\/span>;\n<\/code><\/pre>/,
    );
    assert.match(md.render('```py\ndef f(): pass\n```'), /<span class="hljs-keyword">def<\/span>/);
    // An unknown language stays plain, escaped text.
    assert.match(md.render('```cobol77\n<x>\n```'), /<pre><code class="language-cobol77">&lt;x&gt;\n<\/code><\/pre>/);
    for (const lang of ['python', 'py', 'typescript', 'ts', 'javascript', 'js', 'json', 'bash', 'sh', 'html', 'css', 'go', 'rust', 'java', 'c', 'cpp', 'sql', 'yaml', 'diff']) {
      assert.ok(isHighlighted(lang), lang);
    }
  });

  it('a file name is no web link (fuzzy linking made decoder.py a link to http://decoder.py)', () => {
    assert.doesNotMatch(md.render('see decoder.py and x.io'), /<a /);
    assert.match(md.render('see https://example.com/a'), /<a href="https:\/\/example.com\/a">/);
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
  const md = createMarkdown();
  const render = (text: string, known: CitationEnv['known'] = []): { html: string; cited: CitationEnv['cited'] } => {
    const env: CitationEnv = { known, cited: [] };
    return { html: md.render(text, env as unknown as Record<string, unknown>), cited: env.cited };
  };
  const link = (citation: string): string => `<a href="${SOURCE_HREF}${encodeURIComponent(citation.replace(/:(\d+)$/, ':$1-$1'))}"`;

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

  it('__init__.py and a_b_c.py are links, not emphasis', () => {
    const { html } = render('The handler is in logging/__init__.py:2135-2175 and a_b_c.py:3, also __init__.py:7.');
    assert.doesNotMatch(html, /<strong>|<em>/);
    assert.ok(html.includes(`${link('logging/__init__.py:2135-2175')} class="source"`), html);
    assert.ok(html.includes(`>logging/__init__.py:2135-2175</a>`), html);
    assert.ok(html.includes(link('a_b_c.py:3')), html);
    assert.ok(html.includes(link('__init__.py:7')), html);
    // Emphasis elsewhere still works.
    assert.match(render('a __bold__ word and *it*').html, /<strong>bold<\/strong>.*<em>it<\/em>/);
  });

  it('citations in code spans, lists, bold and parentheses are links', () => {
    const { html, cited } = render('- `json/decoder.py:254-282`\n- **json/__init__.py:1-20**\n\n(see http/client.py:10)');
    assert.match(html, /<code><a href="#source:json%2Fdecoder.py%3A254-282" class="source"[^>]*>json\/decoder.py:254-282<\/a><\/code>/);
    assert.match(html, /<strong><a href="#source:json%2F__init__.py%3A1-20"/);
    assert.ok(html.includes(link('http/client.py:10')), html);
    assert.deepEqual(
      cited.map((c) => `${c.path}:${c.startLine}-${c.endLine}`),
      ['json/decoder.py:254-282', 'json/__init__.py:1-20', 'http/client.py:10-10'],
    );
  });

  it('URLs, versions and times are not citations; code fences are not linked', () => {
    const { html } = render('See https://github.com/a/b.py:3, v1.2:3, 10:30.\n\n```\nsrc/a.ts:3\n```');
    assert.doesNotMatch(html, /#source:/);
  });

  it('a bare file name is linked only when the tools returned that file, with their root', () => {
    const known = [{ path: 'json/decoder.py', startLine: 40, endLine: 60, root: '/w' }];
    const { html, cited } = render('Look at decoder.py and encoder.py.', known);
    assert.ok(html.includes(link('json/decoder.py:1')), html);
    assert.doesNotMatch(html, /encoder.py<\/a>/);
    assert.deepEqual(cited, known);
  });

  it('source hrefs parse back, with the root of a known source; anything else is refused', () => {
    const known = [{ path: 'json/__init__.py', startLine: 1, endLine: 5, root: '/w' }];
    assert.deepEqual(parseSourceHref(`${SOURCE_HREF}${encodeURIComponent('json/__init__.py:3-9')}`, known), {
      path: 'json/__init__.py',
      startLine: 3,
      endLine: 9,
      root: '/w',
    });
    assert.equal(parseSourceHref('#source:%E0%A4%A', known), undefined);
    assert.equal(parseSourceHref('#source:a.py:9-3', known), undefined);
    assert.equal(parseSourceHref('https://x/a.py:1-2', known), undefined);
  });

  it('a document cited by page, slide or sheet is one link that carries its locator, and parses back', () => {
    const known = [{ path: 'docs/spec.pdf', startLine: 40, endLine: 52, root: '/w', locator: 'p.12' }];
    const env: CitationEnv = { known, cited: [] };
    const html = md.render('See docs/spec.pdf p.12, deck.pptx Slide 3 and book.xlsx sheet 2; notes.md p.3 is no document.', env as unknown as Record<string, unknown>);
    assert.deepEqual(
      env.cited.map((c) => [c.path, c.locator, c.root]),
      [
        ['docs/spec.pdf', 'p.12', '/w'],
        ['deck.pptx', 'slide 3', undefined],
        ['book.xlsx', 'sheet 2', undefined],
      ],
    );
    assert.match(html, />docs\/spec\.pdf p\.12<\/a>/);
    assert.match(html, />deck\.pptx Slide 3<\/a>/);
    assert.doesNotMatch(html, />notes\.md p\.3</);
    const href = /href="([^"]+)"[^>]*>docs\/spec\.pdf p\.12</.exec(html)?.[1] ?? '';
    assert.deepEqual(parseSourceHref(href.replace(/&amp;/g, '&'), known), { path: 'docs/spec.pdf', startLine: 1, endLine: 1, root: '/w', locator: 'p.12' });
    assert.equal(parseSourceHref(`${SOURCE_HREF}${encodeURIComponent('a.pdf:1-1|p.x')}`, known), undefined);
  });
});
