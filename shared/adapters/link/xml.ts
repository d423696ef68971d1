/**
 * Just enough XML for the PSWin gateway's documents: elements, text, the five predefined entities, numeric
 * character references and CDATA. Attributes are read past and ignored (PSWin uses none). A DOCTYPE with an
 * internal subset is refused, so no custom entities can be declared (no entity-expansion attacks), and no
 * external DTD is ever fetched.
 */

interface XmlElement {
  name: string;
  children: XmlElement[];
  /** Concatenated text directly inside this element, entities decoded. */
  text: string;
}

export class XmlParseError extends Error {
  override name = "XmlParseError";
}

const predefinedEntities: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

const escapes: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};
/** Characters XML 1.0 cannot carry at all; one in a message would make the gateway reject the whole document. */
// eslint-disable-next-line no-control-regex
const forbiddenCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(text: string): string {
  return text.replace(forbiddenCharacters, "").replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);|&/g, (match, entity: string | undefined) => {
    if (entity === undefined) throw new XmlParseError("bare & in text");
    if (entity.startsWith("#")) {
      const codePoint = entity.startsWith("#x")
        ? Number.parseInt(entity.slice(2), 16)
        : Number(entity.slice(1));
      if (codePoint > 0x10ffff) throw new XmlParseError(`invalid character reference &${entity};`);
      return String.fromCodePoint(codePoint);
    }
    const decoded = predefinedEntities[entity];
    if (decoded === undefined) throw new XmlParseError(`unknown entity &${entity};`);
    return decoded;
  });
}

/** Skips the prolog: XML declaration, comments, processing instructions and a DOCTYPE without internal subset. */
function skipProlog(xml: string, start: number): number {
  let at = start;
  for (;;) {
    while (at < xml.length && /\s/.test(xml.charAt(at))) at++;
    if (xml.startsWith("<?", at)) at = indexAfter(xml, "?>", at);
    else if (xml.startsWith("<!--", at)) at = indexAfter(xml, "-->", at);
    else if (xml.startsWith("<!DOCTYPE", at)) {
      const end = indexAfter(xml, ">", at);
      if (xml.slice(at, end).includes("["))
        throw new XmlParseError("DOCTYPE internal subsets are not accepted");
      at = end;
    } else return at;
  }
}

function indexAfter(xml: string, token: string, from: number): number {
  const found = xml.indexOf(token, from);
  if (found < 0) throw new XmlParseError(`unterminated markup, expected ${token}`);
  return found + token.length;
}

const namePattern = /^[A-Za-z_][\w.-]*/;

export function parseXml(xml: string): XmlElement {
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  let at = skipProlog(text, 0);
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (at < text.length) {
    const current = stack[stack.length - 1];
    if (!current) {
      if (root) {
        at = skipProlog(text, at);
        if (at < text.length) throw new XmlParseError("content after the root element");
        break;
      }
      if (text[at] !== "<") throw new XmlParseError("expected the root element");
    }
    if (text.startsWith("<!--", at)) {
      at = indexAfter(text, "-->", at);
    } else if (text.startsWith("<![CDATA[", at)) {
      const end = indexAfter(text, "]]>", at);
      if (!current) throw new XmlParseError("CDATA outside the root element");
      current.text += text.slice(at + 9, end - 3);
      at = end;
    } else if (text.startsWith("<?", at)) {
      at = indexAfter(text, "?>", at);
    } else if (text.startsWith("</", at)) {
      const end = indexAfter(text, ">", at);
      const name = text.slice(at + 2, end - 1).trim();
      if (!current || current.name !== name) throw new XmlParseError(`unexpected closing tag ${name}`);
      stack.pop();
      at = end;
    } else if (text[at] === "<") {
      const end = indexAfter(text, ">", at);
      const tag = text.slice(at + 1, end - 1);
      const name = namePattern.exec(tag)?.[0];
      if (!name) throw new XmlParseError("malformed start tag");
      const element: XmlElement = { name, children: [], text: "" };
      if (current) current.children.push(element);
      else root = element;
      if (!tag.endsWith("/")) stack.push(element);
      at = end;
    } else {
      if (!current) throw new XmlParseError("text outside the root element");
      const next = text.indexOf("<", at);
      const end = next < 0 ? text.length : next;
      current.text += decodeEntities(text.slice(at, end));
      at = end;
    }
  }
  if (!root || stack.length > 0) throw new XmlParseError("document is incomplete");
  return root;
}

export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

export function childText(element: XmlElement, name: string): string | undefined {
  return child(element, name)?.text.trim();
}

/** Serialises flat `<NAME>text</NAME>` elements in the given order; undefined values are left out. */
export function elements(fields: ReadonlyArray<readonly [string, string | number | undefined]>): string {
  return fields
    .filter((field): field is readonly [string, string | number] => field[1] !== undefined)
    .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
    .join("");
}
