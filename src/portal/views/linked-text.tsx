import { LinkifyIt } from 'linkify-it';

/** Only links written out with http:// or https:// (no bare domains, no addresses, no other schemes). */
const linkify = new LinkifyIt({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false })
  .add('ftp:', null)
  .add('mailto:', null)
  .add('//', null);

/** A piece of a message's text: plain text, or a web link with the text it was written as. */
export type TextPart = { text: string } | { text: string; href: string };

/** The http and https links in a text and the text around them, in order; everything else stays text. */
export function linkParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of linkify.match(text) ?? []) {
    const href = webAddress(match.url);
    if (href === undefined) continue;
    if (match.index > at) parts.push({ text: text.slice(at, match.index) });
    parts.push({ text: match.raw, href });
    at = match.lastIndex;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

/** The address as a browser would follow it, when it is an http or https one. */
function webAddress(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A message's text with its web links clickable: each opens in a new tab,
 * without telling the site where it came from or lending it any standing
 * (`nofollow`). The text and the addresses are escaped like any other.
 */
export function LinkedText(props: { text: string }): JSX.Element {
  return (
    <>
      {linkParts(props.text).map((part) =>
        'href' in part ? (
          <a href={part.href} rel="noopener noreferrer nofollow" target="_blank" safe>
            {part.text}
          </a>
        ) : (
          <span safe>{part.text}</span>
        ),
      )}
    </>
  );
}
