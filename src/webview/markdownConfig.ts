/**
 * The Markdown parser and sanitizer settings, kept free of DOM access so unit tests can check
 * them in plain Node (markdown.ts applies them in the webview).
 */
import MarkdownIt from 'markdown-it';
import { citationPlugin } from './citationRule';
import { highlightCode } from './highlight';

/** Raw HTML off: `<script>` or `<img onerror>` in model output becomes visible text. */
export function createMarkdown(): ReturnType<typeof MarkdownIt> {
  const md = new MarkdownIt({
    html: false,
    linkify: true,
    breaks: false,
    typographer: false,
    highlight: (code, lang) => highlightCode(code, lang.trim().split(/\s+/)[0] ?? ''),
  });
  // Only links with a scheme (https://…): fuzzy linking made "decoder.py" a link to http://decoder.py.
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: false });
  md.use(citationPlugin);
  return md;
}

export const SANITIZE_OPTIONS = {
  ALLOWED_TAGS: [
    'p', 'br', 'hr', 'strong', 'em', 's', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'img', 'span',
  ],
  ALLOWED_ATTR: ['href', 'title', 'class', 'src', 'alt', 'align', 'start'],
  ALLOW_DATA_ATTR: false,
} as const;
