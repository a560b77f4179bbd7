/**
 * Renders the otpauth URI as a QR code on the server: an SVG in a `data:` URL, so the page needs
 * no script, no third-party service (SECURITY.md R12), and nothing beyond the CSP's
 * `img-src 'self' data:`. The seed is in the URI, so the image is never cached or logged.
 */
import QRCode from 'qrcode';

export async function qrCodeDataUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}
