/** Paged listings (`nextCursor`) read as one list: free of preact and the DOM, so the unit tests can import it. */

/**
 * Listings read so far as one list, newest first. While a listing has more
 * pages, the items older than its last one are held back: its next page may
 * hold newer ones, which would otherwise appear below them.
 */
export function merged<I>(sources: ReadonlyArray<{ items: I[]; cursor: string | undefined }>, at: (item: I) => string): I[] {
  const open = sources.filter((source) => source.cursor !== undefined && source.items.length > 0);
  // The newest of the open listings' last items: anything older may still have a newer item on a page not yet read.
  const threshold = open
    .map((source) => at(source.items[source.items.length - 1]!))
    .sort()
    .at(-1);
  const all = sources.length === 1 ? sources[0]!.items : sources.flatMap((source) => source.items).sort((a, b) => (at(a) < at(b) ? 1 : at(a) > at(b) ? -1 : 0));
  return threshold === undefined ? all : all.filter((item) => at(item) >= threshold);
}
