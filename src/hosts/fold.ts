/**
 * Folds host names into ClusterShell's nodeset form, as `clush -b` shows them: web01 web02
 * web03 web07 -> "web[01-03,07]". Names are grouped by everything around the last number of the
 * host part (a `user@` and `:port` stay outside the brackets), groups are listed in natural order
 * and joined by ",". Names without digits, and IPv6 addresses, stay as they are. Expanding the
 * result gives back exactly the distinct names given: web1 and web01 are never confused.
 */
export function foldHostNames(names: readonly string[]): string {
  const groups = new Map<string, { prefix: string; suffix: string; digits: Set<string> }>();
  const plain = new Set<string>();
  for (const name of names) {
    const parts = splitLastNumber(name);
    if (!parts) {
      plain.add(name);
      continue;
    }
    const key = `${parts.prefix}\u0000${parts.suffix}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ...parts, digits: new Set() }));
    group.digits.add(parts.digits);
  }
  const items: { text: string; sortKey: string }[] = [...plain].map((text) => ({
    text,
    sortKey: text,
  }));
  for (const { prefix, suffix, digits } of groups.values()) {
    const sorted = [...digits].sort(compareNumbers);
    const text =
      sorted.length === 1
        ? `${prefix}${sorted[0]}${suffix}`
        : `${prefix}[${foldDigits(sorted)}]${suffix}`;
    items.push({ text, sortKey: `${prefix}${sorted[0]}${suffix}` });
  }
  return items
    .sort((a, b) => compareNatural(a.sortKey, b.sortKey))
    .map((item) => item.text)
    .join(',');
}

/** Orders "web2" before "web10": runs of digits compare as numbers, the rest as text. */
export function compareNatural(a: string, b: string): number {
  const chunks = /(\d+)|(\D+)/g;
  const left = a.match(chunks) ?? [];
  const right = b.match(chunks) ?? [];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] as string;
    const y = right[i] as string;
    const bothDigits = /^\d/.test(x) && /^\d/.test(y);
    const order = bothDigits ? compareNumbers(x, y) : x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

/** The last run of digits of the host part, with everything around it. */
function splitLastNumber(
  name: string,
): { prefix: string; digits: string; suffix: string } | undefined {
  // Brackets mean an IPv6 literal or an unexpanded pattern: folding would garble either.
  if (/[[\]]/.test(name)) return undefined;
  const at = name.lastIndexOf('@');
  const rest = name.slice(at + 1);
  const colon = rest.indexOf(':');
  if (colon >= 0 && rest.indexOf(':', colon + 1) >= 0) return undefined; // bare IPv6
  const hostEnd = at + 1 + (colon >= 0 ? colon : rest.length);
  const host = name.slice(at + 1, hostEnd);
  const match = /(\d+)(\D*)$/.exec(host);
  if (!match) return undefined;
  const start = at + 1 + match.index;
  const digits = match[1] as string;
  return { prefix: name.slice(0, start), digits, suffix: name.slice(start + digits.length) };
}

/** Numeric order; for equal values the shorter string ("1" before "01"). */
function compareNumbers(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : a.length - b.length;
}

/**
 * "01 02 03 07" -> "01-03,07". A range written "08-10" re-expands padded to the width of its
 * start, so each number joins a padding class first: a number written with leading zeros is in
 * the class of its width, and one without is in the class of its length when that class exists
 * (10 joins 08 09), else in the unpadded class.
 */
function foldDigits(sorted: readonly string[]): string {
  const widths = new Set(sorted.filter(isPadded).map((d) => d.length));
  const classes = new Map<number, string[]>();
  for (const digits of sorted) {
    const width = isPadded(digits) || widths.has(digits.length) ? digits.length : 0;
    const members = classes.get(width) ?? [];
    members.push(digits);
    classes.set(width, members);
  }
  const ranges: { first: string; last: string }[] = [];
  for (const members of classes.values()) {
    let current: { first: string; last: string } | undefined;
    for (const digits of members) {
      if (current && BigInt(digits) === BigInt(current.last) + 1n) {
        current.last = digits;
      } else {
        current = { first: digits, last: digits };
        ranges.push(current);
      }
    }
  }
  return ranges
    .sort((a, b) => compareNumbers(a.first, b.first))
    .map(({ first, last }) => (first === last ? first : `${first}-${last}`))
    .join(',');
}

function isPadded(digits: string): boolean {
  return digits.length > 1 && digits.startsWith('0');
}
