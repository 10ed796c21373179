/**
 * The Markdown parser and sanitizer settings, kept free of DOM access so unit tests can check
 * them in plain Node (markdown.ts applies them in the webview).
 */
import MarkdownIt from 'markdown-it';

/** Raw HTML off: `<script>` or `<img onerror>` in model output becomes visible text. */
export function createMarkdown(): ReturnType<typeof MarkdownIt> {
  return new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });
}

export const SANITIZE_OPTIONS = {
  ALLOWED_TAGS: [
    'p', 'br', 'hr', 'strong', 'em', 's', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'img',
  ],
  ALLOWED_ATTR: ['href', 'title', 'class', 'src', 'alt', 'align', 'start'],
  ALLOW_DATA_ATTR: false,
} as const;
