type PageOf<T> = { items: T[]; next_cursor?: string | null };

/**
 * Every item of a cursor-paged list, asking page after page until one has no
 * `next_cursor`. For lists short enough to show whole (equity datasets, reference
 * populations and steps; organisational projects and actions).
 */
export async function everyPage<T>(pageAt: (cursor: string | undefined) => Promise<PageOf<T>>): Promise<T[]> {
  const found: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await pageAt(cursor);
    found.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return found;
}
