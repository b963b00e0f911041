/**
 * Whether a package is open source, which decides how bad shipped source code is: a source map
 * carrying its sources is normal in an open-source library (the code is public anyway) and a
 * leak in a closed one.
 *
 * `auto` reads the license field. npm's own conventions mark a closed package: no license,
 * `UNLICENSED`, `SEE LICENSE IN <file>`; an SPDX `LicenseRef-` is a custom license, and custom
 * licenses are how proprietary terms are written in SPDX. Anything else that reads as an SPDX
 * expression counts as open: the gate does not judge licenses, it only asks whether the author
 * published the code under public terms. With `OR` the licensee may choose, so one open branch
 * makes the package open; with `AND` every part must be open.
 */
import type { ReleaseCheckConfig } from './config-schema.ts';
import type { PackageManifest } from './types.ts';

export interface OpenSourceVerdict {
  readonly open: boolean;
  /** A phrase that completes "the package is open/closed source because ...". */
  readonly why: string;
}

/** Words that, standing as a license identifier, declare proprietary terms rather than name a license. */
const CLOSED_WORDS = new Set(['unlicensed', 'unlicenced', 'proprietary', 'commercial', 'private', 'closed', 'none', 'restricted', 'copyright', 'custom']);

type Token = '(' | ')' | 'AND' | 'OR' | 'WITH' | { readonly id: string };

function tokenize(expression: string): Token[] | null {
  const tokens: Token[] = [];
  for (const part of expression.replace(/([()])/g, ' $1 ').split(/\s+/)) {
    if (part === '') continue;
    const upper = part.toUpperCase();
    if (part === '(' || part === ')') tokens.push(part);
    else if (upper === 'AND' || upper === 'OR' || upper === 'WITH') tokens.push(upper);
    // An SPDX id: letters, digits, `.`, `-`, optional trailing `+`; `LicenseRef-x` and `DocumentRef-a:LicenseRef-b` too.
    else if (/^[A-Za-z0-9][A-Za-z0-9.:-]*\+?$/.test(part)) tokens.push({ id: part });
    else return null;
  }
  return tokens;
}

/** Recursive descent over `or := and (OR and)*`, `and := atom (AND atom)*`, `atom := id [WITH id] | ( or )`. */
function evaluate(tokens: readonly Token[]): { open: boolean; closedIds: string[] } | null {
  let position = 0;
  const closedIds: string[] = [];

  const atom = (): boolean | null => {
    const token = tokens[position];
    if (token === '(') {
      position += 1;
      const inner = or();
      if (inner === null || tokens[position] !== ')') return null;
      position += 1;
      return inner;
    }
    if (token === undefined || typeof token === 'string') return null;
    position += 1;
    if (tokens[position] === 'WITH') {
      const exception = tokens[position + 1];
      if (exception === undefined || typeof exception === 'string') return null;
      position += 2;
    }
    const open = isOpenIdentifier(token.id);
    if (!open) closedIds.push(token.id);
    return open;
  };
  const and = (): boolean | null => {
    let result = atom();
    while (result !== null && tokens[position] === 'AND') {
      position += 1;
      const next = atom();
      result = next === null ? null : result && next;
    }
    return result;
  };
  const or = (): boolean | null => {
    let result = and();
    while (result !== null && tokens[position] === 'OR') {
      position += 1;
      const next = and();
      result = next === null ? null : result || next;
    }
    return result;
  };

  const open = or();
  if (open === null || position !== tokens.length) return null;
  return { open, closedIds };
}

function isOpenIdentifier(id: string): boolean {
  if (/(?:^|:)(?:LicenseRef|DocumentRef)-/i.test(id)) return false;
  return !CLOSED_WORDS.has(id.replace(/\+$/, '').toLowerCase());
}

/**
 * Free text that npm accepts (with a warning) and old packages are full of: "Apache 2.0",
 * "MIT License", "BSD". Reading these as closed would fail ordinary packages, so a well-known
 * open-source family named in the text, with no proprietary wording, counts as open.
 */
const OPEN_FAMILIES: readonly (readonly [string, RegExp])[] = [
  ['MIT', /\bMIT\b/i],
  ['ISC', /\bISC\b/i],
  ['BSD', /\b0?BSD\b/i],
  ['Apache', /\bApache\b/i],
  ['GPL', /\b(?:A|L)?GPL/i],
  ['Mozilla Public', /\b(?:MPL|Mozilla Public)\b/i],
  ['Artistic', /\bArtistic\b/i],
  ['Unlicense', /\bUnlicen[sc]e\b/i],
  ['CC0', /\bCC0\b/i],
  ['Zlib', /\bzlib\b/i],
  ['WTFPL', /\bWTFPL\b/i],
  ['Eclipse Public', /\b(?:EPL|Eclipse Public)\b/i],
  ['Blue Oak', /\bBlue ?Oak\b/i],
  ['public domain', /\bpublic domain\b/i],
];

const CLOSED_TEXT = /\b(?:proprietary|commercial|all rights reserved|unlicen[sc]ed|confidential|not for (?:re)?distribution)\b/i;

function openFamilyIn(text: string): string | null {
  if (CLOSED_TEXT.test(text)) return null;
  for (const [family, pattern] of OPEN_FAMILIES) if (pattern.test(text)) return family;
  return null;
}

export function isOpenSource(manifest: PackageManifest, config: ReleaseCheckConfig): OpenSourceVerdict {
  if (config.openSource === 'open') return { open: true, why: 'the release-check configuration declares it open source ("openSource": "open")' };
  if (config.openSource === 'closed') return { open: false, why: 'the release-check configuration declares it closed source ("openSource": "closed")' };

  const license = manifest.license?.trim() ?? '';
  if (license === '') {
    const privately = manifest.private === true ? ' and is marked "private": true' : '';
    return { open: false, why: `package.json declares no license${privately}` };
  }
  if (/^UNLICEN[SC]ED$/i.test(license)) return { open: false, why: `package.json declares "license": "${license}" (not licensed for use by others)` };
  if (/^SEE LICEN[SC]E IN\b/i.test(license)) return { open: false, why: `package.json declares "license": "${license}" (custom terms, not an open-source license)` };

  const tokens = tokenize(license);
  const verdict = tokens === null || tokens.length === 0 ? null : evaluate(tokens);
  if (verdict === null) {
    const family = openFamilyIn(license);
    if (family !== null) {
      return { open: true, why: `package.json's "license": "${license}" is not SPDX but names the open-source ${family} license` };
    }
    return {
      open: false,
      why: `package.json's "license": "${license}" is not an SPDX expression, so it cannot be read as an open-source license`,
    };
  }
  if (verdict.open) return { open: true, why: `package.json declares "license": "${license}"` };
  return {
    open: false,
    why: `package.json's "license": "${license}" names custom or proprietary terms (${verdict.closedIds.join(', ')})`,
  };
}
