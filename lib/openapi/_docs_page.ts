/**
 * The HTML page `docs` serves: static, made once, rendering the document
 * with Scalar's API reference, which the browser loads from its CDN (latch
 * ships no copy of it).
 *
 * @module
 */

/** Where the browser loads the renderer from: major version 1, so fixes arrive and breaks do not. */
export const _SCALAR_SCRIPT = "https://cdn.jsdelivr.net/npm/@scalar/api-reference@1";

/** `text` safe inside HTML text and attribute values. */
function _escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * The URL of `target` relative to the page at `from`, both absolute paths,
 * so the page finds the document under whatever prefix the app is mounted.
 */
export function _relativeUrl(from: string, target: string): string {
  const fromDirectory = from.split("/").slice(1, -1);
  const targetParts = target.split("/").slice(1);
  let common = 0;
  while (
    common < fromDirectory.length && common < targetParts.length - 1 &&
    fromDirectory[common] === targetParts[common]
  ) common++;
  const up = fromDirectory.length - common;
  return (up === 0 ? "./" : "../".repeat(up)) + targetParts.slice(common).join("/");
}

/** The page at `docsPath` for the document at `documentPath`. */
export function _docsPage(title: string, docsPath: string, documentPath: string): string {
  // JSON in a script: "<" escaped so that no value can close the element.
  const configuration = JSON.stringify({ url: _relativeUrl(docsPath, documentPath) })
    .replaceAll("<", "\\u003c");
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${_escapeHtml(title)}</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="${_SCALAR_SCRIPT}"></script>
    <script>Scalar.createApiReference("#app", ${configuration});</script>
  </body>
</html>
`;
}
