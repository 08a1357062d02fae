/**
 * The `Content-Type` of a file by its extension, from a small table of the
 * types web apps serve. A table rather than `mime-db` (2,500 types, 200 KB of
 * JSON): the few dozen below cover what a site ships, and `serveStatic`'s
 * `contentType` option takes any lookup (such as `mime-types`' `lookup`) for
 * the rest.
 *
 * @module
 */

const UTF8 = "; charset=utf-8";

/** Extension (lower case, without the dot) to media type. */
const TYPES: Readonly<Record<string, string>> = {
  // Documents and code
  html: `text/html${UTF8}`,
  htm: `text/html${UTF8}`,
  css: `text/css${UTF8}`,
  js: `text/javascript${UTF8}`,
  mjs: `text/javascript${UTF8}`,
  cjs: `text/javascript${UTF8}`,
  json: "application/json",
  map: "application/json",
  jsonld: "application/ld+json",
  webmanifest: "application/manifest+json",
  xml: "application/xml",
  txt: `text/plain${UTF8}`,
  md: `text/markdown${UTF8}`,
  csv: `text/csv${UTF8}`,
  ics: `text/calendar${UTF8}`,
  wasm: "application/wasm",
  pdf: "application/pdf",
  rss: "application/rss+xml",
  atom: "application/atom+xml",
  // Images
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  svg: "image/svg+xml",
  ico: "image/vnd.microsoft.icon",
  bmp: "image/bmp",
  tif: "image/tiff",
  tiff: "image/tiff",
  // Fonts
  woff: "font/woff",
  woff2: "font/woff2",
  ttf: "font/ttf",
  otf: "font/otf",
  // Audio and video
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  opus: "audio/opus",
  wav: "audio/wav",
  flac: "audio/flac",
  mp4: "video/mp4",
  m4v: "video/mp4",
  webm: "video/webm",
  ogv: "video/ogg",
  mov: "video/quicktime",
  vtt: `text/vtt${UTF8}`,
  // Archives
  zip: "application/zip",
  gz: "application/gzip",
  tar: "application/x-tar",
  br: "application/octet-stream",
};

/** What a file of unknown type is sent as (RFC 9110 §8.3: the recipient may then sniff or save it). */
export const _DEFAULT_TYPE = "application/octet-stream";

/**
 * The media type for the file name `name`, or `undefined` for an extension
 * the table does not have.
 */
export function _contentTypeOf(name: string): string | undefined {
  const dot = name.lastIndexOf(".");
  if (dot === -1) return undefined;
  const extension = name.slice(dot + 1).toLowerCase();
  return Object.hasOwn(TYPES, extension) ? TYPES[extension] : undefined;
}
