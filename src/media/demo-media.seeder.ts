import type { Seeder } from '../common/feature/seeder.js';
import { seedDrawnPicture } from './media-items.js';

interface DemoPicture {
  alt: string;
  /** Two colours of a soft diagonal gradient, and the colour of the shapes on it. */
  from: string;
  to: string;
  shapes: string;
}

/** Calm abstract pictures, drawn here (no file copied from anywhere). */
const DEMO_PICTURES: readonly DemoPicture[] = [
  { alt: 'Soft green hills under a pale morning sky', from: '#dfeee6', to: '#7fae95', shapes: '#4f7f68' },
  { alt: 'A warm sunset glow over still water', from: '#fbe3c8', to: '#e39a6f', shapes: '#b5644a' },
  { alt: 'Blue evening light over a quiet bay', from: '#dbe7f3', to: '#6f93b8', shapes: '#3f5f82' },
];

const WIDTH = 1280;
const HEIGHT = 853;

function svgOf(picture: DemoPicture): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
    `<stop offset="0" stop-color="${picture.from}"/><stop offset="1" stop-color="${picture.to}"/></linearGradient></defs>` +
    `<rect width="100%" height="100%" fill="url(#g)"/>` +
    `<ellipse cx="${WIDTH * 0.3}" cy="${HEIGHT * 1.05}" rx="${WIDTH * 0.6}" ry="${HEIGHT * 0.35}" fill="${picture.shapes}" opacity="0.55"/>` +
    `<ellipse cx="${WIDTH * 0.85}" cy="${HEIGHT * 1.1}" rx="${WIDTH * 0.5}" ry="${HEIGHT * 0.4}" fill="${picture.shapes}" opacity="0.75"/>` +
    `<circle cx="${WIDTH * 0.72}" cy="${HEIGHT * 0.28}" r="${HEIGHT * 0.09}" fill="#ffffff" opacity="0.7"/>` +
    `</svg>`
  );
}

/** A few pictures in the media library, generated at seed time, so that a demo has something to choose covers from. */
export const demoMediaSeeder: Seeder = {
  name: 'demo-media',
  async run(manager, context) {
    for (const picture of DEMO_PICTURES) {
      await seedDrawnPicture(manager, context.config, { svg: svgOf(picture), quality: 88 }, picture.alt);
    }
  },
};
