/**
 * What a request over the parse limits still says about how to answer it. RFC 3261 §21.5.14
 * (513) and §8.2.6 need Via, From, To, Call-ID and CSeq; a message refused for its size, its
 * header count or a line's length is otherwise never split into fields, so this scan takes just
 * those five from the part of the message within the limits.
 */
import { isToken, isWhitespace } from '../chars.js';
import { headerKey, HeaderList } from './header-list.js';
import type { ParseLimits } from './limits.js';

const ANSWER_KEYS = new Set(['via', 'from', 'to', 'call-id', 'cseq']);

/**
 * `text` is the header block, or as much of it as the size limit lets through, cut at a line end.
 * Lines over the length limit and folded continuations are skipped; at most `maxHeaderCount`
 * fields are kept, so the work and the answer stay bounded whatever was sent.
 */
export function answerablePart(text: string, limits: ParseLimits): { method: string | undefined; headers: HeaderList } {
  const headers = new HeaderList();
  let lineStart = 0;
  let method: string | undefined;
  let kept = 0;
  while (lineStart < text.length && kept < limits.maxHeaderCount) {
    let lineEnd = text.indexOf('\r\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    if (lineStart === 0) {
      const name = line.slice(0, line.indexOf(' '));
      method = isToken(name) ? name : undefined;
    } else if (line.length <= limits.maxLineLength && line.length > 0 && !isWhitespace(line.charCodeAt(0))) {
      const colon = line.indexOf(':');
      const name = colon < 0 ? '' : line.slice(0, colon).trimEnd();
      if (isToken(name) && ANSWER_KEYS.has(headerKey(name))) {
        headers.append(name, line.slice(colon + 1).trim());
        kept++;
      }
    }
    lineStart = lineEnd + 2;
  }
  return { method, headers };
}
