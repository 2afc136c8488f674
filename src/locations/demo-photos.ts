import type { EntityManager } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { seedDrawnPicture } from '../media/index.js';

/**
 * Adds a demo photo drawn as SVG at seed time (no file copied from anywhere) to the media library, as a JPEG like an
 * upload, and answers its id. The demo photos are small (at most 640 px wide) so that seeding stays quick.
 */
export async function seedDemoPhoto(
  manager: EntityManager,
  config: AppConfig | undefined,
  svg: string,
  alt: string,
): Promise<string> {
  return (await seedDrawnPicture(manager, config, { svg, quality: 85 }, alt)).id;
}

/** A calm picture of a building: a gradient sky, a façade with windows and a door, and a hedge. */
export function placeSvg(colors: { sky: string; wall: string; accent: string }): string {
  const windows = [0, 1, 2, 3]
    .flatMap((col) => [0, 1].map((row) => [150 + col * 90, 110 + row * 80]))
    .map(([x, y]) => `<rect x="${x}" y="${y}" width="50" height="50" rx="4" fill="#fdf6e3" opacity="0.85"/>`)
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400">` +
    `<defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1">` +
    `<stop offset="0" stop-color="${colors.sky}"/><stop offset="1" stop-color="#ffffff"/></linearGradient></defs>` +
    `<rect width="640" height="400" fill="url(#s)"/>` +
    `<rect x="120" y="80" width="400" height="280" fill="${colors.wall}"/>` +
    windows +
    `<rect x="295" y="280" width="50" height="80" rx="4" fill="${colors.accent}"/>` +
    `<ellipse cx="320" cy="392" rx="380" ry="40" fill="#5f8f6f"/>` +
    `</svg>`
  );
}
