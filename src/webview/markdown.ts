/**
 * Markdown for untrusted text (model answers quote indexed files). markdown-it runs with raw
 * HTML disabled, and its output still goes through DOMPurify before it touches the DOM: two
 * independent walls, so a bug in one does not become script execution.
 */
import MarkdownIt from 'markdown-it';
import DOMPurify from 'dompurify';

const md = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });

const purify = DOMPurify(window);
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    // Links leave the webview; never let them target it or keep an opener.
    node.setAttribute('rel', 'noopener noreferrer');
    node.removeAttribute('target');
  }
});

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'strong', 'em', 's', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'img',
];

/** Markdown → sanitized DocumentFragment. */
export function renderMarkdown(text: string): DocumentFragment {
  const html = md.render(text);
  return purify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ['href', 'title', 'class', 'src', 'alt', 'align', 'start'],
    ALLOW_DATA_ATTR: false,
    RETURN_DOM_FRAGMENT: true,
  });
}
