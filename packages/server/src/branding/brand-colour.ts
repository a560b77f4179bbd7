/**
 * The custom properties a configured primary colour sets. The colour is already a validated
 * `#rrggbb` (@portcullis/contract hexColour), so it cannot leave the declaration it sits in; this
 * re-checks it anyway, since a stylesheet is no place to trust a caller. Text on the colour is
 * white or near-black, whichever contrasts more (WCAG 2.2 relative luminance), so a light brand
 * colour keeps its buttons readable.
 */
const HEX = /^#[0-9a-f]{6}$/;

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/** The colour a quarter of the way to black, for hover. */
function darker(hex: string): string {
  return `#${[1, 3, 5].map((i) => Math.round(parseInt(hex.slice(i, i + 2), 16) * 0.75).toString(16).padStart(2, '0')).join('')}`;
}

/** `:root{…}` for the colour, or undefined when there is none (or it is not `#rrggbb`). */
export function brandColourCss(colour: string | undefined): string | undefined {
  if (colour === undefined) return undefined;
  const hex = colour.toLowerCase();
  if (!HEX.test(hex)) return undefined;
  const l = luminance(hex);
  const onPrimary = contrast(l, 1) >= contrast(l, luminance('#111827')) ? '#ffffff' : '#111827';
  return `:root{--primary:${hex};--primary-hover:${darker(hex)};--on-primary:${onPrimary}}`;
}
