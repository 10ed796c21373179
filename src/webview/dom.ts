/** Tiny DOM helpers. Text always goes in through textContent; only sanitized Markdown uses innerHTML. */

type Attrs = Readonly<Record<string, string | undefined>>;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string | undefined>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined) {
      node.setAttribute(name, value);
    }
  }
  for (const child of children) {
    if (child !== undefined) {
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
  }
  return node;
}

export function button(label: string, attrs: Attrs = {}, text = label): HTMLButtonElement {
  return el('button', { type: 'button', 'aria-label': label, title: label, ...attrs }, text);
}
