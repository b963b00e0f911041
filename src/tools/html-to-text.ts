/**
 * HTML to readable plain text for web_fetch: headings, paragraphs, lists, links as
 * `text (url)`, preformatted text kept as it is, and the page chrome that is never content
 * (scripts, styles, navigation) dropped. A small single-pass tokenizer, linear in the input:
 * pages are untrusted and can be megabytes, so nothing here may backtrack or recurse.
 */

/** Elements whose whole content is dropped. (Not <head>: its end tag is optional.) */
const DROPPED = new Set(['script', 'style', 'noscript', 'template', 'nav', 'svg', 'iframe', 'object', 'canvas', 'select']);
/** Elements whose content is raw text: no tags inside until the matching end tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noscript', 'template']);
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hgroup', 'html', 'main', 'p',
  'section', 'summary', 'table', 'thead', 'tbody', 'tfoot', 'caption', 'ul', 'ol', 'menu',
]);

export interface HtmlText {
  readonly title: string | null;
  readonly text: string;
}

interface ListState {
  readonly ordered: boolean;
  next: number;
}

interface OpenLink {
  readonly href: string;
  readonly start: number;
}

function attribute(tag: string, name: string): string | null {
  const pattern = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const match of tag.matchAll(pattern)) {
    if (match[1]?.toLowerCase() === name) return decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return null;
}

function resolveHref(href: string, baseUrl: string | undefined): string | null {
  const trimmed = href.trim();
  if (trimmed === '' || trimmed.startsWith('#') || /^javascript:/i.test(trimmed)) return null;
  try {
    return new URL(trimmed, baseUrl).href;
  } catch {
    return trimmed;
  }
}

/** Accumulates the text, collapsing whitespace outside <pre> and placing line breaks. */
class TextWriter {
  out = '';
  #pendingSpace = false;
  #pendingBreaks = 0;
  /** Lines already ending `out`, so breaks are never doubled. */
  #trailingBreaks = 2;

  text(raw: string, preformatted: boolean): void {
    if (preformatted) {
      this.#flush();
      this.out += raw;
      this.#trailingBreaks = raw.endsWith('\n') ? 1 : 0;
      return;
    }
    const collapsed = raw.replace(/\s+/g, ' ');
    if (collapsed === '') return;
    const startsWithSpace = collapsed.startsWith(' ');
    const words = collapsed.trim();
    if (startsWithSpace) this.#pendingSpace = true;
    if (words === '') return;
    this.#flush();
    this.out += words;
    this.#trailingBreaks = 0;
    this.#pendingSpace = collapsed.endsWith(' ');
  }

  /** Text written as is, like a list marker: it starts the line. */
  literal(text: string): void {
    this.#flush();
    this.out += text;
    this.#trailingBreaks = 0;
    this.#pendingSpace = false;
  }

  /** Ask for at least `count` line breaks before the next text (1: new line, 2: blank line). */
  breaks(count: number): void {
    this.#pendingBreaks = Math.max(this.#pendingBreaks, count);
    this.#pendingSpace = false;
  }

  #flush(): void {
    if (this.#pendingBreaks > this.#trailingBreaks && this.out !== '') {
      this.out += '\n'.repeat(this.#pendingBreaks - this.#trailingBreaks);
      this.#trailingBreaks = this.#pendingBreaks;
    } else if (this.#pendingSpace && this.#trailingBreaks === 0 && this.out !== '') {
      this.out += ' ';
    }
    this.#pendingBreaks = 0;
    this.#pendingSpace = false;
  }
}

/** Converts an HTML document to text; `baseUrl` makes relative links absolute. */
export function htmlToText(html: string, baseUrl?: string): HtmlText {
  const writer = new TextWriter();
  const lists: ListState[] = [];
  const links: OpenLink[] = [];
  let title: string | null = null;
  let preDepth = 0;
  let codeDepth = 0;
  let cellsInRow = 0;
  let i = 0;

  const startTag = (name: string, tag: string): void => {
    if (/^h[1-6]$/.test(name)) {
      writer.breaks(2);
      writer.literal(`${'#'.repeat(Number(name[1]))} `);
    } else if (name === 'li') {
      const list = lists.at(-1);
      writer.breaks(1);
      const indent = '  '.repeat(Math.max(0, lists.length - 1));
      if (list?.ordered === true) {
        writer.literal(`${indent}${list.next}. `);
        list.next += 1;
      } else {
        writer.literal(`${indent}- `);
      }
    } else if (name === 'ul' || name === 'ol' || name === 'menu') {
      writer.breaks(lists.length === 0 ? 2 : 1);
      const start = Number(attribute(tag, 'start') ?? '1');
      lists.push({ ordered: name === 'ol', next: Number.isFinite(start) ? start : 1 });
    } else if (name === 'pre') {
      writer.breaks(2);
      writer.literal('```\n');
      preDepth += 1;
    } else if (name === 'code' && preDepth === 0) {
      writer.text(' ', false);
      writer.literal('`');
      codeDepth += 1;
    } else if (name === 'a') {
      links.push({ href: attribute(tag, 'href') ?? '', start: writer.out.length });
    } else if (name === 'br') {
      writer.literal('\n');
    } else if (name === 'hr') {
      writer.breaks(2);
      writer.literal('---');
      writer.breaks(2);
    } else if (name === 'img') {
      const alt = attribute(tag, 'alt')?.trim();
      if (alt !== undefined && alt !== '') writer.text(` [image: ${alt}] `, false);
    } else if (name === 'tr') {
      writer.breaks(1);
      cellsInRow = 0;
    } else if (name === 'td' || name === 'th') {
      if (cellsInRow > 0) writer.text(' | ', false);
      cellsInRow += 1;
    } else if (BLOCK.has(name)) {
      writer.breaks(2);
    }
  };

  const endTag = (name: string): void => {
    if (/^h[1-6]$/.test(name) || name === 'p' || name === 'table' || name === 'blockquote') {
      writer.breaks(2);
    } else if (name === 'ul' || name === 'ol' || name === 'menu') {
      lists.pop();
      writer.breaks(lists.length === 0 ? 2 : 1);
    } else if (name === 'pre' && preDepth > 0) {
      preDepth -= 1;
      if (!writer.out.endsWith('\n')) writer.literal('\n');
      writer.literal('```');
      writer.breaks(2);
    } else if (name === 'code' && codeDepth > 0 && preDepth === 0) {
      codeDepth -= 1;
      writer.literal('`');
    } else if (name === 'a') {
      const link = links.pop();
      if (link === undefined) return;
      const url = resolveHref(link.href, baseUrl);
      const text = writer.out.slice(link.start).trim();
      if (url !== null && text !== url && text !== link.href.trim()) writer.literal(` (${url})`);
    } else if (name === 'li' || name === 'tr' || BLOCK.has(name)) {
      writer.breaks(1);
    }
  };

  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt === -1) {
      writer.text(decodeEntities(html.slice(i)), preDepth > 0);
      break;
    }
    if (lt > i) writer.text(decodeEntities(html.slice(i, lt)), preDepth > 0);
    i = lt;
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4);
      i = end === -1 ? html.length : end + 3;
      continue;
    }
    const next = html[i + 1] ?? '';
    if (next === '!' || next === '?') {
      const end = html.indexOf('>', i);
      i = end === -1 ? html.length : end + 1;
      continue;
    }
    const closing = next === '/';
    const nameMatch = /^[A-Za-z][A-Za-z0-9-]*/.exec(html.slice(i + (closing ? 2 : 1), i + 40));
    if (nameMatch === null) {
      writer.text('<', preDepth > 0);
      i += 1;
      continue;
    }
    const name = nameMatch[0].toLowerCase();
    const tagEnd = findTagEnd(html, i);
    const tag = html.slice(i, tagEnd);
    i = tagEnd;
    if (closing) {
      endTag(name);
      continue;
    }
    const selfClosed = tag.endsWith('/>');
    if ((RAW_TEXT.has(name) || DROPPED.has(name)) && !selfClosed) {
      const contentEnd = findEndTag(html, name, i);
      if (name === 'title' && title === null) title = decodeEntities(html.slice(i, contentEnd)).replace(/\s+/g, ' ').trim();
      if (name === 'textarea' || name === 'xmp') writer.text(decodeEntities(html.slice(i, contentEnd)), false);
      const close = html.indexOf('>', contentEnd);
      i = contentEnd >= html.length || close === -1 ? html.length : close + 1;
      continue;
    }
    startTag(name, tag);
    if (VOID.has(name) || selfClosed) endTag(name);
  }

  const text = writer.out.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  return { title, text };
}

/**
 * Index just past the `>` that ends the tag starting at `start`. A `>` inside a quoted
 * attribute value does not end it; a quote only opens a value right after `=`.
 */
function findTagEnd(html: string, start: number): number {
  let quote: string | null = null;
  let previous = '';
  for (let j = start + 1; j < html.length; j += 1) {
    const char = html[j] ?? '';
    if (quote !== null) {
      if (char === quote) quote = null;
    } else if ((char === '"' || char === "'") && previous === '=') {
      quote = char;
    } else if (char === '>') {
      return j + 1;
    }
    if (char !== ' ' && char !== '\t' && char !== '\n' && char !== '\r') previous = char;
  }
  return html.length;
}

/** Index of the `</name` that closes a raw-text or dropped element (html.length if none). */
function findEndTag(html: string, name: string, from: number): number {
  const pattern = new RegExp(`</${name}[\\s/>]`, 'gi');
  pattern.lastIndex = from;
  // Dropped elements that are not raw text may nest (<nav><nav>); count depth for those.
  if (RAW_TEXT.has(name)) {
    const match = pattern.exec(html);
    return match === null ? html.length : match.index;
  }
  const any = new RegExp(`<(/?)${name}[\\s/>]`, 'gi');
  any.lastIndex = from;
  let depth = 1;
  for (let match = any.exec(html); match !== null; match = any.exec(html)) {
    depth += match[1] === '/' ? -1 : 1;
    if (depth === 0) return match.index;
  }
  return html.length;
}

const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map(Object.entries({
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ',
  copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—', ndash: '–', minus: '−',
  lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„', laquo: '«', raquo: '»',
  lsaquo: '‹', rsaquo: '›', bull: '•', middot: '·', times: '×', divide: '÷', euro: '€', pound: '£',
  yen: '¥', cent: '¢', deg: '°', plusmn: '±', para: '¶', sect: '§', shy: '', zwj: '', zwnj: '',
  larr: '←', rarr: '→', uarr: '↑', darr: '↓', harr: '↔', rArr: '⇒', lArr: '⇐', le: '≤', ge: '≥',
  ne: '≠', asymp: '≈', infin: '∞', frac12: '½', frac14: '¼', frac34: '¾', sup2: '²', sup3: '³',
  micro: 'µ', dagger: '†', Dagger: '‡', permil: '‰', prime: '′', Prime: '″', iexcl: '¡', iquest: '¿',
  check: '✓', star: '☆', hearts: '♥', tab: '\t', newline: '\n', colon: ':', comma: ',', period: '.',
  excl: '!', quest: '?', num: '#', dollar: '$', percnt: '%', lpar: '(', rpar: ')', ast: '*', plus: '+',
  sol: '/', bsol: '\\', semi: ';', equals: '=', lsqb: '[', rsqb: ']', lcub: '{', rcub: '}', verbar: '|',
  grave: '`', Hat: '^', lowbar: '_', commat: '@',
}));

/** Decodes character references: named (a common set), decimal and hexadecimal. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\uFFFD';
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES.get(body) ?? whole;
  });
}
