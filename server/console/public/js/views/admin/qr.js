/**
 * A QR code as inline SVG, from uqr's module matrix (one <path>; no canvas, no innerHTML, nothing fetched),
 * so a TV can be set up by pointing a phone at the console.
 */
import { html } from '../../lib/ui.js';
import { encode } from '../../../vendor/uqr.js';

/** @param {{ text: string, label: string, size?: number }} props  `size` in CSS pixels. */
export function QrCode({ text, label, size = 220 }) {
  const qr = encode(text, { ecc: 'M', border: 2 });
  let d = '';
  qr.data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    }),
  );
  return html`<svg
    class="qr"
    role="img"
    aria-label=${label}
    width=${size}
    height=${size}
    viewBox=${`0 0 ${qr.size} ${qr.size}`}
    shape-rendering="crispEdges"
    data-testid="screen-qr"
    data-modules=${qr.size}
  >
    <rect width=${qr.size} height=${qr.size} fill="#fff" />
    <path d=${d} fill="#000" />
  </svg>`;
}
