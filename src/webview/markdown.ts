/**
 * Markdown for untrusted text (model answers quote indexed files). markdown-it runs with raw
 * HTML disabled, and its output still goes through DOMPurify before it touches the DOM: two
 * independent walls, so a bug in one does not become script execution.
 */
import DOMPurify from 'dompurify';
import type { SourceLink } from '../shared/chatModel';
import type { CitationEnv } from './citationRule';
import { createMarkdown, SANITIZE_OPTIONS } from './markdownConfig';

const md = createMarkdown();

const purify = DOMPurify(window);
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    // Links leave the webview; never let them target it or keep an opener.
    node.setAttribute('rel', 'noopener noreferrer');
    node.removeAttribute('target');
  }
});

/** Markdown → sanitized DocumentFragment, and the sources the text cites (in order). */
export function renderMarkdown(text: string, known: readonly SourceLink[] = []): { fragment: DocumentFragment; cited: SourceLink[] } {
  const env: CitationEnv = { known, cited: [] };
  const html = md.render(text, env as unknown as Record<string, unknown>);
  const fragment = purify.sanitize(html, {
    ALLOWED_TAGS: [...SANITIZE_OPTIONS.ALLOWED_TAGS],
    ALLOWED_ATTR: [...SANITIZE_OPTIONS.ALLOWED_ATTR],
    ALLOW_DATA_ATTR: SANITIZE_OPTIONS.ALLOW_DATA_ATTR,
    RETURN_DOM_FRAGMENT: true,
  });
  return { fragment, cited: env.cited };
}
