/**
 * Tests, documentation and examples: in a search for the code that behaves some way, they match
 * the same names and words as the code itself (a test calls what it tests, a page describes it),
 * and are seldom what a question about behaviour is after.
 */
import type { QueryAnalysis } from './queryAnalysis';

const TEST_OR_DOC_DIR = /(?:^|\/)(?:tests?|testing|__tests__|spec|specs|docs?|documentation|examples?|samples?|benchmarks?)\//i;
const TEST_FILE = /(?:^|\/)(?:test_[^/]*|[^/]*_tests?\.[^/.]+|[^/]*\.(?:test|spec)\.[^/.]+|conftest\.py)$/i;
const DOC_FILE = /\.(?:md|markdown|mdx|rst|txt|adoc)$/i;

export function isTestOrDocPath(path: string): boolean {
  return TEST_OR_DOC_DIR.test(path) || TEST_FILE.test(path) || DOC_FILE.test(path);
}

const ABOUT = /\b(?:tests?|testing|unit tests?|docs?|documentation|readme|examples?|changelog|tutorial)\b/i;

/**
 * A short question that speaks of tests or docs wants them; so does a report that names a test or
 * documentation file as the place to change. A report that only mentions tests in passing does not.
 */
export function isAboutTestsOrDocs(query: string, analysis: QueryAnalysis): boolean {
  if (!analysis.issueShaped) {
    return ABOUT.test(query);
  }
  const title = query.split('\n', 1)[0] ?? '';
  return /\b(?:docs?|documentation|readme|typo)\b/i.test(title) && !analysis.frames.length;
}
