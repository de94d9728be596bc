/**
 * Shrinks a reproducer while it still shows what it showed: first whole items are replaced by `nil` (largest
 * first), then byte ranges are deleted, halving the range size down to one byte (delta debugging, Zeller 2002),
 * pass after pass until nothing more can go or the budget of tries (or time) is spent.
 */
import { items } from "./items.js";
import { replace } from "./mutate.js";

export interface MinimizeOptions {
  /** Most calls of `shows`. */
  readonly maxTries: number;
  /** Most time spent, in milliseconds (a hang costs its whole time limit per try). */
  readonly maxMs?: number;
}

const NIL = Uint8Array.of(0xc0);

export async function minimize(input: Uint8Array, shows: (bytes: Uint8Array) => Promise<boolean>, options: MinimizeOptions): Promise<Uint8Array> {
  let best = input;
  let tries = 0;
  const deadline = performance.now() + (options.maxMs ?? Infinity);
  const attempt = async (candidate: Uint8Array): Promise<boolean> => {
    if (performance.now() > deadline) tries = options.maxTries;
    if (tries >= options.maxTries || candidate.length >= best.length) return false;
    tries++;
    if (!(await shows(candidate))) return false;
    best = candidate;
    return true;
  };
  for (let changed = true; changed && tries < options.maxTries; ) {
    changed = false;
    // Items, largest first: a container that does not matter goes in one step.
    const found = items(best)
      .filter((i) => i.role !== "root" && i.end - i.start > 1)
      .sort((a, b) => b.end - b.start - (a.end - a.start));
    for (const item of found) {
      if (item.end > best.length) continue;
      if (await attempt(replace(best, item.start, item.end, NIL))) {
        changed = true;
        break; // offsets moved: find the items again
      }
    }
    if (changed) continue;
    for (let size = Math.max(1, best.length >> 1); size >= 1; size >>= 1) {
      for (let at = 0; at < best.length && tries < options.maxTries; ) {
        if (await attempt(replace(best, at, Math.min(best.length, at + size), new Uint8Array()))) changed = true;
        else at += size;
      }
    }
  }
  return best;
}
