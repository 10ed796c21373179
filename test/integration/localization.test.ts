/**
 * File-level search and find_symbol on a small real tree, indexed by the real Indexer into real
 * Milvus Lite: a name in a bug report finds the file that defines it first, although other files
 * (a test, a page of docs, a module full of the report's words) match its prose better.
 */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createToolRegistry } from '../../src/core/agent/tools';
import { createEmbedder } from '../../src/core/embedding/factory';
import { Indexer } from '../../src/core/indexing/indexer';
import { symbolIndexFor } from '../../src/core/search/symbolIndex';
import type { VectorStore } from '../../src/core/store/types';
import { getTestStore, uniqueCollectionName } from './milvusEnv';

const FILES: Record<string, string> = {
  'geo/shapes/polygon.py': [
    'from geo.core import Shape',
    '',
    '',
    'class Polygon(Shape):',
    '    def __init__(self, *points):',
    '        self.points = list(points)',
    '',
    '    def winding_area(self):',
    '        total = 0',
    '        for (x1, y1), (x2, y2) in zip(self.points, self.points[1:]):',
    '            total += x1 * y2 - x2 * y1',
    '        return total / 2',
  ].join('\n'),
  'geo/core.py': ['class Shape:', '    """A shape has an area and a perimeter."""', '', '    def area(self):', '        raise NotImplementedError', ''].join('\n'),
  'geo/measure.py': [
    '"""Area and perimeter of shapes: the area of a polygon, the area of a circle, negative area checks."""',
    '',
    'def area_of(shape):',
    '    """The area of a shape; a negative area means the points run clockwise."""',
    '    area = shape.area()',
    '    return abs(area)',
  ].join('\n'),
  'geo/tests/test_polygon.py': [
    'from geo.shapes.polygon import Polygon',
    '',
    'def test_area_of_square_polygon_is_positive():',
    '    # the area of a polygon is never negative; a square polygon has a positive area',
    '    assert Polygon((0, 0), (1, 0), (1, 1), (0, 1)).winding_area() == 1',
  ].join('\n'),
  'docs/area.md': '# Area\n\nThe area of a polygon is computed from its points; the area is negative when the polygon runs clockwise.\n',
};

const REPORT = [
  'Polygon area is negative for clockwise points',
  '',
  'The area of a polygon comes out negative when the points run clockwise, and the area of a closed',
  'polygon misses its last edge:',
  '',
  '```python',
  '>>> Polygon((0, 0), (0, 1), (1, 1), (1, 0)).winding_area()',
  '-0.5',
  '```',
  '',
  'I expected the area to be 1. The area of shapes should never be negative.',
].join('\n');

describe('file-level search and find_symbol on a real tree (real Milvus Lite)', function () {
  this.timeout(300_000);
  let store: VectorStore;
  let ws: string;
  const collection = uniqueCollectionName('localize');
  const embedder = createEmbedder({ baseUrl: undefined, apiKey: undefined, model: 'none', dimensions: 2 });

  before(async () => {
    store = await getTestStore();
    ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kmc-localize-'));
    for (const [rel, text] of Object.entries(FILES)) {
      await fs.mkdir(path.dirname(path.join(ws, rel)), { recursive: true });
      await fs.writeFile(path.join(ws, rel), text);
    }
    const indexer = new Indexer({ store, embedder, config: { include: [], exclude: [], maxFileSizeKb: 1024 } });
    const summary = await indexer.indexFolder(ws, { collection });
    assert.equal(summary.filesIndexed, Object.keys(FILES).length);
    // A warm server has read the definitions index; a search waits at most 2 s for it, so the test
    // reads it first rather than depend on the machine's speed.
    const index = await symbolIndexFor(store, await store.describeCollection(collection));
    assert.ok(index && index.files.length === Object.keys(FILES).length);
  });
  after(async () => {
    await store.dropCollection(collection).catch(() => undefined);
    await fs.rm(ws, { recursive: true, force: true });
  });

  const tools = (): ReturnType<typeof createToolRegistry> =>
    createToolRegistry({
      store,
      embedder,
      indexer: new Indexer({ store, embedder, config: { include: [], exclude: [], maxFileSizeKb: 1024 } }),
      workspaceFolders: [ws],
      collectionFor: () => collection,
      trusted: true,
    });

  it('the report finds the file that defines the names in it first, with why', async () => {
    // The chunk-level ranking puts the prose-heavy files first: what file ranking has to overcome.
    const chunks = await store.search(collection, REPORT, { limit: 3 });
    assert.notEqual(chunks[0]?.path, 'geo/shapes/polygon.py', 'the fixture must be hard for a whole-text keyword search');
    const out = JSON.parse((await tools().execute('search_workspace', JSON.stringify({ query: REPORT, limit: 3 }))).content) as {
      success: boolean;
      results: Array<{ path: string; citation: string; why?: string[] }>;
    };
    assert.equal(out.success, true);
    assert.equal(out.results[0].path, 'geo/shapes/polygon.py', JSON.stringify(out.results));
    assert.ok(out.results[0].why?.some((w) => w.startsWith('defines Polygon')), JSON.stringify(out.results[0]));
    assert.equal(new Set(out.results.map((r) => r.path)).size, out.results.length, 'files, not chunks');
  });

  it('find_symbol returns the definition with its line, by name or qualified name', async () => {
    const byName = JSON.parse((await tools().execute('find_symbol', JSON.stringify({ name: 'winding_area' }))).content) as {
      success: boolean;
      results: Array<{ name: string; path: string; line: number; citation: string }>;
    };
    assert.equal(byName.success, true);
    assert.deepEqual(byName.results.map((r) => [r.name, r.path, r.line]), [['Polygon.winding_area', 'geo/shapes/polygon.py', 8]]);
    assert.match(byName.results[0].citation, /^geo\/shapes\/polygon\.py:8-\d+$/);
    const qualified = JSON.parse((await tools().execute('find_symbol', JSON.stringify({ name: 'shapes.polygon.Polygon' }))).content) as { results: Array<{ line: number }> };
    assert.deepEqual(qualified.results.map((r) => r.line), [4]);
    const none = JSON.parse((await tools().execute('find_symbol', JSON.stringify({ name: 'NoSuchThing' }))).content) as { success: boolean; results: unknown[]; message: string };
    assert.equal(none.success, true);
    assert.deepEqual(none.results, []);
    assert.match(none.message, /No definition/);
  });
});
