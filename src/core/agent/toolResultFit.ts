/**
 * Shortens a tool result to a size limit while keeping it valid JSON. Cutting the string at the
 * limit (as before) handed the model half an object; here whole items of the largest list (search
 * hits, chunks, files) are dropped from the end first, with a count of what was left out, and only
 * if one item alone is still too large is its longest text cut, with a note saying so.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const MAX_STRING_CUTS = 20;

export function fitToolResult(content: string, maxChars: number): string {
  if (content.length <= maxChars) {
    return content;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return cutText(content, maxChars);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return cutText(content, maxChars);
  }
  const obj = parsed as { [key: string]: Json };
  const size = (): number => JSON.stringify(obj).length;
  dropListItems(obj, maxChars, size);
  for (let i = 0; i < MAX_STRING_CUTS && size() > maxChars; i++) {
    const longest = longestString(obj);
    if (!longest || longest.value.length < 200) {
      break;
    }
    const excess = size() - maxChars + 100;
    const keep = Math.max(100, longest.value.length - excess);
    longest.set(`${longest.value.slice(0, keep)}\n…[cut: ${longest.value.length - keep} more characters not shown]`);
  }
  const out = JSON.stringify(obj);
  // Nothing left to shorten structurally (e.g. thousands of short keys): a plain note, still valid JSON.
  return out.length <= maxChars ? out : JSON.stringify({ success: obj.success ?? false, message: `The result (${content.length} characters) was too large to show; ask for less.` });
}

/** Drops items from the end of the largest top-level list until the object fits (or the list is empty). */
function dropListItems(obj: { [key: string]: Json }, maxChars: number, size: () => number): void {
  const lists = Object.entries(obj).filter((e): e is [string, Json[]] => Array.isArray(e[1]) && e[1].length > 0);
  if (lists.length === 0) {
    return;
  }
  const [key, list] = lists.reduce((a, b) => (JSON.stringify(a[1]).length >= JSON.stringify(b[1]).length ? a : b));
  const total = list.length;
  let dropped = 0;
  while (list.length > 1 && size() > maxChars) {
    list.pop();
    dropped++;
    obj.omitted = { [key]: dropped, note: `${dropped} of ${total} ${key} were left out to fit the size limit; ask for fewer or narrower results to see them.` };
  }
}

function longestString(value: Json): { value: string; set: (s: string) => void } | undefined {
  let best: { value: string; set: (s: string) => void } | undefined;
  const visit = (v: Json, set: (s: string) => void): void => {
    if (typeof v === 'string') {
      if (!best || v.length > best.value.length) {
        best = { value: v, set };
      }
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, (s) => (v[i] = s)));
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        visit(v[k], (s) => (v[k] = s));
      }
    }
  };
  visit(value, () => undefined);
  return best;
}

function cutText(content: string, maxChars: number): string {
  const rest = content.length - maxChars;
  return `${content.slice(0, maxChars)}\n…[truncated: ${rest} more characters not shown. Ask for a narrower range or fewer results.]`;
}
